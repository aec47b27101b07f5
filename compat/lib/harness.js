// Shared helpers for the ccxt compatibility suite: where the stack is, the operator (admin) API, fresh
// ED25519 accounts and markets, ccxt clients pointed at the stack, and exact decimal arithmetic.
//
// Configuration (environment variables):
//   EXCHANGE_REST_URL    router base URL         (default http://127.0.0.1:8080)
//   EXCHANGE_ADMIN_URL   operator API base URL   (default http://127.0.0.1:8081)
//   EXCHANGE_WS_URL      ws-stream URL           (default ws://127.0.0.1:4000)
//   EXCHANGE_ADMIN_TOKEN operator API bearer token (or EXCHANGE_DATA_DIR, whose admin-token file is read)

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ccxt from 'ccxt';

export const REST_URL = trimSlash(process.env.EXCHANGE_REST_URL || 'http://127.0.0.1:8080');
export const ADMIN_URL = trimSlash(process.env.EXCHANGE_ADMIN_URL || 'http://127.0.0.1:8081');
export const WS_URL = trimSlash(process.env.EXCHANGE_WS_URL || 'ws://127.0.0.1:4000');

function trimSlash(url) {
    return url.replace(/\/+$/, '');
}

function adminToken() {
    if (process.env.EXCHANGE_ADMIN_TOKEN) {
        return process.env.EXCHANGE_ADMIN_TOKEN.trim();
    }
    const dir = process.env.EXCHANGE_DATA_DIR || path.resolve(import.meta.dirname ?? '.', '../../.exchange-data');
    const file = path.join(dir, 'admin-token');
    if (fs.existsSync(file)) {
        return fs.readFileSync(file, 'utf8').trim();
    }
    throw new Error('Set EXCHANGE_ADMIN_TOKEN (or EXCHANGE_DATA_DIR containing admin-token) for the operator API');
}

/** Calls the operator API; throws with the response body on a non-2xx answer. */
export async function admin(method, urlPath, body) {
    const response = await fetch(ADMIN_URL + urlPath, {
        method,
        headers: { Authorization: 'Bearer ' + adminToken(), 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
        throw new Error(`admin ${method} ${urlPath} -> ${response.status} ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
}

/** A short random tag, A-Z0-9, for unique asset symbols and external ids. */
export function randomTag(length = 6) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const bytes = crypto.randomBytes(length);
    let tag = '';
    for (const b of bytes) {
        tag += alphabet[b % alphabet.length];
    }
    return tag;
}

/** A fresh ED25519 key pair as ccxt's backpack adapter wants it: base64 public key and base64 32-byte seed. */
export function newKeyPair() {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const pub = publicKey.export({ format: 'jwk' });
    return {
        apiKey: Buffer.from(pub.x, 'base64url').toString('base64'),
        secret: Buffer.from(jwk.d, 'base64url').toString('base64'),
    };
}

let externalIdCounter = 0;

/**
 * Creates an account with a fresh key, deposits the given amounts ({USDC: '1000', ...}) and returns
 * {accountId, apiKey, secret, deposits: [{asset, amount, externalId}]}.
 */
export async function newAccount(label, deposits = {}) {
    const keys = newKeyPair();
    const created = await admin('POST', '/admin/v1/accounts', { label, publicKeys: [keys.apiKey] });
    const account = { accountId: created.accountId, ...keys, deposits: [] };
    for (const [asset, amount] of Object.entries(deposits)) {
        await deposit(account, asset, amount);
    }
    return account;
}

export async function deposit(account, asset, amount) {
    const externalId = `compat-${Date.now()}-${++externalIdCounter}-${randomTag(8)}`;
    await admin('POST', `/admin/v1/accounts/${account.accountId}/deposits`, { asset, amount, externalId });
    account.deposits.push({ asset, amount, externalId });
    return externalId;
}

export async function withdraw(account, asset, amount) {
    const externalId = `compat-w-${Date.now()}-${++externalIdCounter}-${randomTag(8)}`;
    await admin('POST', `/admin/v1/accounts/${account.accountId}/withdrawals`, { asset, amount, externalId });
    return externalId;
}

/**
 * Creates a new base asset T<tag> and the market T<tag>_USDC, so a run never sees state from earlier runs.
 * Returns {symbol (ccxt unified), id (exchange id), base, quote, ...spec}.
 */
export async function newMarket({ decimals = 8, tickSize = '0.01', stepSize = '0.001', minQuantity = '0.01',
    makerFeePpm = 200, takerFeePpm = 500 } = {}) {
    const base = 'T' + randomTag(7);
    await admin('POST', '/admin/v1/assets', { symbol: base, decimals, displayName: `Test ${base}` });
    const id = `${base}_USDC`;
    await admin('POST', '/admin/v1/markets', {
        symbol: id, baseSymbol: base, quoteSymbol: 'USDC', tickSize, stepSize, minQuantity, makerFeePpm, takerFeePpm,
    });
    return { id, symbol: `${base}/USDC`, base, quote: 'USDC', baseDecimals: decimals, quoteDecimals: 6, tickSize,
        stepSize, minQuantity, makerFeePpm, takerFeePpm };
}

function pointAtStack(exchange) {
    exchange.urls.api.public = REST_URL;
    exchange.urls.api.private = REST_URL;
    if (exchange.urls.api.ws) {
        exchange.urls.api.ws.public = WS_URL;
        exchange.urls.api.ws.private = WS_URL;
    }
    return exchange;
}

/** A REST ccxt backpack client pointed at the stack (keys optional). */
export function restClient(account) {
    const options = { enableRateLimit: false, timeout: 10000 };
    if (account) {
        options.apiKey = account.apiKey;
        options.secret = account.secret;
    }
    return pointAtStack(new ccxt.backpack(options));
}

/** A ccxt.pro backpack client (REST and WebSocket) pointed at the stack. */
export function proClient(account) {
    const options = { enableRateLimit: false, timeout: 10000 };
    if (account) {
        options.apiKey = account.apiKey;
        options.secret = account.secret;
    }
    return pointAtStack(new ccxt.pro.backpack(options));
}

/** Rejects after ms with a message naming what was awaited. */
export function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- exact decimals: BigInt units at a fixed number of decimals ----

/** '12.345' at 6 decimals -> 12345000n; throws if the text has more decimals than that. */
export function units(text, decimals) {
    const s = String(text);
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
    if (!match) {
        throw new Error(`not a plain decimal: ${s}`);
    }
    const fraction = (match[3] || '').replace(/0+$/, '');
    if (fraction.length > decimals) {
        throw new Error(`${s} has more than ${decimals} decimals`);
    }
    const value = BigInt(match[2] + fraction.padEnd(decimals, '0'));
    return match[1] === '-' ? -value : value;
}

/** 12345000n at 6 decimals -> '12.345' (no trailing zeros). */
export function decimal(value, decimals) {
    const negative = value < 0n;
    const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
    const whole = digits.slice(0, digits.length - decimals);
    const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
    return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
}

/** ceil(amount * ppm / 1e6) for non-negative BigInt amounts: the platform's fee rule. */
export function feeOf(amount, ppm) {
    const product = amount * BigInt(ppm);
    return (product + 999999n) / 1000000n;
}

/** ccxt numbers are IEEE doubles parsed from the server's strings: compare with the expected decimal string. */
export function num(text) {
    return Number(text);
}

/**
 * Retries fn (which throws on mismatch) until it passes or timeout ms elapse, then rethrows its last error.
 * For reads that the server documents as briefly stale (the REST ticker is reused for up to 1 s per replica).
 */
export async function eventually(fn, { timeout = 3000, interval = 150 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
        try {
            return await fn();
        } catch (e) {
            if (Date.now() > deadline) {
                throw e;
            }
        }
        await sleep(interval);
    }
}
