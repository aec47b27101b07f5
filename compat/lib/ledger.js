// The expected balances of the accounts in a scenario, in BigInt units, following the platform's rules
// (docs/ENGINE.md): fills at the maker's price, fees in parts per million of what an account receives,
// rounded up to the asset's smallest unit; a resting order locks exactly its remaining value.

import assert from 'node:assert/strict';
import { units, decimal, feeOf } from './harness.js';

export class Ledger {
    /** market: from harness.newMarket (base, quote, baseDecimals, quoteDecimals, makerFeePpm, takerFeePpm). */
    constructor(market) {
        this.market = market;
        this.decimals = { [market.base]: market.baseDecimals, [market.quote]: market.quoteDecimals };
        this.accounts = {};
        this.fees = {};
    }

    open(name, deposits) {
        const account = {};
        for (const asset of Object.keys(this.decimals)) {
            account[asset] = { free: units(deposits[asset] ?? '0', this.decimals[asset]), used: 0n };
        }
        this.accounts[name] = account;
        this.fees[name] = { [this.market.base]: 0n, [this.market.quote]: 0n };
    }

    /** Quote units of price x quantity (exact on the market's grid). */
    quote(price, quantity) {
        const q = units(price, this.market.quoteDecimals) * units(quantity, this.market.baseDecimals);
        const scale = 10n ** BigInt(this.market.baseDecimals);
        assert.equal(q % scale, 0n, `${price} x ${quantity} is not a whole number of quote units`);
        return q / scale;
    }

    base(quantity) {
        return units(quantity, this.market.baseDecimals);
    }

    /** A resting limit order locks its remaining value. */
    lockLimit(name, side, price, quantity) {
        const a = this.accounts[name];
        if (side === 'buy') {
            const amount = this.quote(price, quantity);
            a[this.market.quote].free -= amount;
            a[this.market.quote].used += amount;
        } else {
            const amount = this.base(quantity);
            a[this.market.base].free -= amount;
            a[this.market.base].used += amount;
        }
    }

    /** Cancelling (or expiring) a resting order releases what it still locks. */
    releaseLimit(name, side, price, quantity) {
        const a = this.accounts[name];
        if (side === 'buy') {
            const amount = this.quote(price, quantity);
            a[this.market.quote].free += amount;
            a[this.market.quote].used -= amount;
        } else {
            const amount = this.base(quantity);
            a[this.market.base].free += amount;
            a[this.market.base].used -= amount;
        }
    }

    /**
     * One fill at the maker's price. The maker pays out of its lock (its resting order); the taker pays out of
     * its available balance (a finished taker order's lock is released again, so only what traded is spent).
     * Returns {quote, base, makerFee, takerFee} in units.
     */
    fill({ maker, taker, takerSide, price, quantity }) {
        const { base: B, quote: Q, makerFeePpm, takerFeePpm } = this.market;
        const quote = this.quote(price, quantity);
        const base = this.base(quantity);
        const m = this.accounts[maker];
        const t = this.accounts[taker];
        let makerFee;
        let takerFee;
        if (takerSide === 'buy') {
            // taker buys base with quote; maker's ask lock shrinks, maker receives quote
            t[Q].free -= quote;
            takerFee = feeOf(base, takerFeePpm);
            t[B].free += base - takerFee;
            m[B].used -= base;
            makerFee = feeOf(quote, makerFeePpm);
            m[Q].free += quote - makerFee;
            this.fees[taker][B] += takerFee;
            this.fees[maker][Q] += makerFee;
        } else {
            t[B].free -= base;
            takerFee = feeOf(quote, takerFeePpm);
            t[Q].free += quote - takerFee;
            m[Q].used -= quote;
            makerFee = feeOf(base, makerFeePpm);
            m[B].free += base - makerFee;
            this.fees[taker][Q] += takerFee;
            this.fees[maker][B] += makerFee;
        }
        return { quote, base, makerFee, takerFee };
    }

    expected(name, asset) {
        const { free, used } = this.accounts[name][asset];
        const d = this.decimals[asset];
        return { free: decimal(free, d), used: decimal(used, d), total: decimal(free + used, d) };
    }

    /** Asserts ccxt's fetchBalance equals the ledger to the last decimal, parsed numbers and raw strings. */
    async assertBalance(client, name) {
        const balance = await client.fetchBalance();
        // ccxt's parseBalance keeps no info: read the raw strings through ccxt's signed implicit method
        const capital = await client.privateGetApiV1Capital();
        for (const asset of Object.keys(this.decimals)) {
            const want = this.expected(name, asset);
            const raw = capital[asset] ?? { available: '0', locked: '0' };
            assert.deepEqual(
                { available: canonical(raw.available), locked: canonical(raw.locked) },
                { available: want.free, locked: want.used },
                `${name} ${asset}: raw /api/v1/capital balance`);
            const got = balance[asset] ?? { free: 0, used: 0, total: 0 };
            assert.deepEqual(
                { free: got.free, used: got.used, total: got.total },
                { free: Number(want.free), used: Number(want.used), total: Number(want.total) },
                `${name} ${asset}: ccxt balance`);
        }
        return balance;
    }
}

/** '12.3400' -> '12.34', '0.0' -> '0' (the server sends no trailing zeros; compare on value anyway). */
function canonical(text) {
    if (text === undefined || text === null) {
        return text;
    }
    const s = String(text);
    if (!s.includes('.')) {
        return s;
    }
    const trimmed = s.replace(/0+$/, '').replace(/\.$/, '');
    return trimmed === '' ? '0' : trimmed;
}
