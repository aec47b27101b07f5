// Reference data and system endpoints through ccxt: fetchTime, fetchStatus, loadMarkets (precision and limits
// from the markets' tick, step and minimum), fetchCurrencies, and a halted market as inactive.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { admin, newMarket, newAccount, restClient } from '../lib/harness.js';

describe('system and reference data (ccxt REST, public)', () => {
    let exchange;
    let fresh;

    before(async () => {
        fresh = await newMarket({ decimals: 5, tickSize: '0.005', stepSize: '0.02', minQuantity: '0.1' });
        exchange = restClient();
    });

    after(async () => {
        await exchange?.close();
    });

    it('fetchTime: the server clock in milliseconds', async () => {
        const before = Date.now();
        const time = await exchange.fetchTime();
        const after = Date.now();
        assert.equal(typeof time, 'number');
        assert.ok(Number.isInteger(time));
        assert.ok(time >= before - 2000 && time <= after + 2000, `server time ${time} within [${before}, ${after}]`);
    });

    it('fetchStatus: ok', async () => {
        const status = await exchange.fetchStatus();
        assert.equal(status.status, 'ok');
        assert.equal(status.info.status, 'Ok');
    });

    it('loadMarkets: the seeded spot markets with precision and limits from tick, step and minimum', async () => {
        const markets = await exchange.loadMarkets();
        const expect = {
            'SOL/USDC': { id: 'SOL_USDC', base: 'SOL', tick: 0.01, step: 0.01, min: 0.01 },
            'BTC/USDC': { id: 'BTC_USDC', base: 'BTC', tick: 0.1, step: 0.00001, min: 0.00001 },
            'ETH/USDC': { id: 'ETH_USDC', base: 'ETH', tick: 0.01, step: 0.0001, min: 0.0001 },
        };
        for (const [symbol, e] of Object.entries(expect)) {
            const m = markets[symbol];
            assert.ok(m, `market ${symbol}`);
            assert.deepEqual(
                {
                    id: m.id, symbol: m.symbol, base: m.base, quote: m.quote, baseId: m.baseId, quoteId: m.quoteId,
                    type: m.type, spot: m.spot, swap: m.swap, contract: m.contract, active: m.active,
                    precision: m.precision, amountMin: m.limits.amount.min, priceMin: m.limits.price.min,
                },
                {
                    id: e.id, symbol, base: e.base, quote: 'USDC', baseId: e.base, quoteId: 'USDC', type: 'spot',
                    spot: true, swap: false, contract: false, active: true,
                    precision: { amount: e.step, price: e.tick }, amountMin: e.min, priceMin: e.tick,
                },
                symbol);
            assert.equal(exchange.marketId(symbol), e.id);
            assert.equal(exchange.safeSymbol(e.id), symbol);
        }
        // precision drives ccxt's rounding of what it sends
        assert.equal(exchange.priceToPrecision('BTC/USDC', 65000.1234), '65000.1');
        assert.equal(exchange.amountToPrecision('BTC/USDC', 0.123456789), '0.12345');
        assert.equal(exchange.amountToPrecision('SOL/USDC', 1.239), '1.23');
    });

    it('loadMarkets: a market created through the operator API, minimum distinct from the step', async () => {
        const markets = await exchange.loadMarkets(true);
        const m = markets[fresh.symbol];
        assert.ok(m, `market ${fresh.symbol}`);
        assert.equal(m.id, fresh.id);
        assert.deepEqual(m.precision, { amount: 0.02, price: 0.005 });
        assert.deepEqual(m.limits.amount, { min: 0.1, max: undefined });
        assert.deepEqual(m.limits.price, { min: 0.005, max: undefined });
        assert.equal(m.active, true);
        assert.ok(Math.abs(m.created - Date.now()) < 120000, `created ${m.created}`);
        assert.equal(exchange.priceToPrecision(fresh.symbol, 1.2374), '1.235'); // to the tick of 0.005
        assert.equal(exchange.amountToPrecision(fresh.symbol, 0.159), '0.14');
    });

    it('fetchCurrencies: every asset with its display name', async () => {
        const currencies = await exchange.fetchCurrencies();
        for (const [code, name] of [['USDC', 'USD Coin'], ['SOL', 'Solana'], ['BTC', 'Bitcoin'], ['ETH', 'Ethereum'],
            [fresh.base, `Test ${fresh.base}`]]) {
            const c = currencies[code];
            assert.ok(c, `currency ${code}`);
            assert.equal(c.id, code);
            assert.equal(c.code, code);
            assert.equal(c.name, name);
            assert.equal(c.type, 'crypto');
        }
        assert.deepEqual(exchange.currencies?.USDC?.id ?? 'USDC', 'USDC');
    });

    it('a halted market is inactive (CancelOnly) and refuses orders; resumed it is active again', async () => {
        const account = await newAccount('compat-halt', { USDC: '100' });
        const client = restClient(account);
        try {
            await admin('POST', `/admin/v1/markets/${fresh.id}/halt`);
            let markets = await client.loadMarkets(true);
            assert.equal(markets[fresh.symbol].active, false);
            assert.equal(markets[fresh.symbol].info.orderBookState, 'CancelOnly');
            // TRADING_PAUSED, which ccxt maps to ExchangeNotAvailable
            await assert.rejects(client.createOrder(fresh.symbol, 'limit', 'buy', 1, 10), ccxt.ExchangeNotAvailable);
            await admin('POST', `/admin/v1/markets/${fresh.id}/resume`);
            markets = await client.loadMarkets(true);
            assert.equal(markets[fresh.symbol].active, true);
            const order = await client.createOrder(fresh.symbol, 'limit', 'buy', 1, 10);
            assert.equal(order.status, 'open');
            await client.cancelOrder(order.id, fresh.symbol);
        } finally {
            await client.close();
        }
    });

    it('unknown symbols and bad signatures map to ccxt errors', async () => {
        await assert.rejects(exchange.publicGetApiV1Ticker({ symbol: 'NOPE_USDC' }), ccxt.BadSymbol);
        const account = await newAccount('compat-badsig');
        const forged = restClient({ apiKey: account.apiKey, secret: forgeSecret() });
        try {
            await assert.rejects(forged.fetchBalance(), ccxt.AuthenticationError);
        } finally {
            await forged.close();
        }
    });
});

/** A valid-looking seed that does not belong to the registered public key. */
function forgeSecret() {
    return Buffer.alloc(32, 7).toString('base64');
}
