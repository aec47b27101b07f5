// Orders, fills, balances and the public market data they produce, on a fresh market, with two funded
// accounts (maker M and taker T) so trades cross without self-trade prevention. Each step checks what ccxt
// parsed against exact expectations: order fields, both balances to the last decimal (fees included), fills.
//
// Trades of this scenario, in order (taker side, price x quantity):
//   t1 buy 101.37 x 0.123 (limit IOC)      t2 buy 101.37 x 1.877 (limit IOC, remainder expires)
//   t3 buy 101.5 x 0.4 (limit FOK)          t4 sell 100 x 0.5, t5 sell 99.5 x 0.3 (market by amount)
//   t6 buy 101.5 x 0.2 (market by cost 20.3)

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { newMarket, newAccount, restClient, eventually, decimal } from '../lib/harness.js';
import { Ledger } from '../lib/ledger.js';

describe('trading on a fresh market (ccxt REST)', () => {
    let market;
    let ledger;
    let M;
    let T;
    let maker;
    let taker;
    const startedAt = Date.now();
    const orders = new Map(); // id -> {who, side, type, amount, status, filled}
    const trades = []; // {price, quantity, takerSide, makerOrder, takerOrder, makerFee, takerFee}
    let restingAsk; // GTC ask of M at 101.37
    let restingBid; // GTC bid of M at 99.5
    let fokAsk; // GTC ask of M at 101.5
    let postOnlyBid; // post-only bid of M at 100

    before(async () => {
        market = await newMarket({ tickSize: '0.01', stepSize: '0.001', minQuantity: '0.01',
            makerFeePpm: 200, takerFeePpm: 500 });
        const deposits = { USDC: '50000', [market.base]: '100' };
        [M, T] = [await newAccount('compat-maker', deposits), await newAccount('compat-taker', deposits)];
        ledger = new Ledger(market);
        ledger.open('M', deposits);
        ledger.open('T', deposits);
        maker = restClient(M);
        taker = restClient(T);
        await Promise.all([maker.loadMarkets(), taker.loadMarkets()]);
    });

    after(async () => {
        await Promise.allSettled([maker?.close(), taker?.close()]);
    });

    function record(who, order, expected) {
        orders.set(order.id, { who, ...expected });
    }

    function trade(t) {
        const amounts = ledger.fill(t);
        trades.push({ ...t, ...amounts });
        return amounts;
    }

    it('fetchBalance: the deposits of both fresh accounts', async () => {
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
    });

    it('createOrder limit GTC (with clientOrderId): rests on the book, locks the base', async () => {
        restingAsk = await maker.createOrder(market.symbol, 'limit', 'sell', 2, 101.37, { clientOrderId: 4000000001 });
        assert.match(restingAsk.id, /^\d+$/);
        assert.equal(restingAsk.clientOrderId, '4000000001');
        assert.equal(restingAsk.symbol, market.symbol);
        assert.equal(restingAsk.type, 'limit');
        assert.equal(restingAsk.side, 'sell');
        assert.equal(restingAsk.timeInForce, 'GTC');
        assert.equal(restingAsk.postOnly, false);
        assert.equal(restingAsk.status, 'open');
        assert.equal(restingAsk.price, 101.37);
        assert.equal(restingAsk.amount, 2);
        assert.equal(restingAsk.filled, 0);
        assert.equal(restingAsk.remaining, 2);
        assert.ok(Math.abs(restingAsk.timestamp - Date.now()) < 10000, `timestamp ${restingAsk.timestamp} is now`);
        ledger.lockLimit('M', 'sell', '101.37', '2');
        record('M', restingAsk, { side: 'sell', type: 'limit', amount: 2, status: 'closed', filled: 2 });

        restingBid = await maker.createOrder(market.symbol, 'limit', 'buy', 1.5, 99.5);
        assert.equal(restingBid.status, 'open');
        assert.equal(restingBid.side, 'buy');
        assert.equal(restingBid.price, 99.5);
        ledger.lockLimit('M', 'buy', '99.5', '1.5');
        record('M', restingBid, { side: 'buy', type: 'limit', amount: 1.5, status: 'canceled', filled: 0.3 });

        await ledger.assertBalance(maker, 'M');
    });

    it('fetchOpenOrder: the resting order by id', async () => {
        const order = await maker.fetchOpenOrder(restingAsk.id, market.symbol);
        assert.equal(order.id, restingAsk.id);
        assert.equal(order.clientOrderId, '4000000001');
        assert.equal(order.symbol, market.symbol);
        assert.equal(order.status, 'open');
        assert.equal(order.side, 'sell');
        assert.equal(order.price, 101.37);
        assert.equal(order.amount, 2);
        assert.equal(order.filled, 0);
        assert.equal(order.remaining, 2);
        // another account's order is not visible (404 RESOURCE_NOT_FOUND, which ccxt maps to ExchangeNotAvailable)
        await assert.rejects(taker.fetchOpenOrder(restingAsk.id, market.symbol), ccxt.ExchangeNotAvailable);
    });

    it('fetchOpenOrders: both resting orders of the account, none of the other', async () => {
        const open = await maker.fetchOpenOrders(market.symbol);
        assert.deepEqual(open.map((o) => o.id).sort(), [restingAsk.id, restingBid.id].sort());
        for (const o of open) {
            assert.equal(o.status, 'open');
            assert.equal(o.symbol, market.symbol);
        }
        assert.deepEqual(await taker.fetchOpenOrders(market.symbol), []);
        const all = await maker.fetchOpenOrders();
        assert.ok(all.some((o) => o.id === restingAsk.id), 'fetchOpenOrders() without symbol lists it too');
    });

    it('fetchOrderBook: the resting levels, with a nonce and a timestamp', async () => {
        const book = await taker.fetchOrderBook(market.symbol);
        assert.equal(book.symbol, market.symbol);
        assert.deepEqual(book.asks, [[101.37, 2]]);
        assert.deepEqual(book.bids, [[99.5, 1.5]]);
        assert.equal(typeof book.nonce, 'number');
        assert.ok(book.nonce >= 2, `nonce ${book.nonce} counts the two book changes`);
        assert.ok(Math.abs(book.timestamp - Date.now()) < 10000, `timestamp ${book.timestamp} is now`);
    });

    it('createOrder limit IOC: fills at the maker price; a remainder expires', async () => {
        const full = await taker.createOrder(market.symbol, 'limit', 'buy', 0.123, 102, { timeInForce: 'IOC' });
        trade({ maker: 'M', taker: 'T', takerSide: 'buy', price: '101.37', quantity: '0.123',
            makerOrder: restingAsk.id, takerOrder: full.id });
        record('T', full, { side: 'buy', type: 'limit', amount: 0.123, status: 'closed', filled: 0.123 });
        assert.equal(full.status, 'closed');
        assert.equal(full.timeInForce, 'IOC');
        assert.equal(full.price, 102);
        assert.equal(full.amount, 0.123);
        assert.equal(full.filled, 0.123);
        assert.equal(full.remaining, 0);
        assert.equal(full.cost, 12.46851); // 0.123 x 101.37, the maker's price
        assert.equal(full.average, 101.37);

        const partial = await taker.createOrder(market.symbol, 'limit', 'buy', 3, 101.37, { timeInForce: 'IOC' });
        trade({ maker: 'M', taker: 'T', takerSide: 'buy', price: '101.37', quantity: '1.877',
            makerOrder: restingAsk.id, takerOrder: partial.id });
        record('T', partial, { side: 'buy', type: 'limit', amount: 3, status: 'canceled', filled: 1.877 });
        assert.equal(partial.status, 'canceled'); // Expired: the remainder of an IOC order
        assert.equal(partial.info.status, 'Expired');
        assert.equal(partial.filled, 1.877);
        assert.equal(partial.remaining, 1.123);
        assert.equal(partial.cost, 190.27149);

        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
        // by hand: M sold 2 at 101.37 = 202.74 USDC, less 200 ppm rounded up per fill (0.002494 + 0.038055),
        // with 149.25 locked by its bid; T received 2 base less 500 ppm (0.0000615 + 0.0009385)
        assert.equal(ledger.expected('M', 'USDC').free, '50053.449451');
        assert.equal(ledger.expected('T', market.base).free, '101.999');
    });

    it('createOrder limit FOK: expires untouched when it cannot fill completely, fills when it can', async () => {
        fokAsk = await maker.createOrder(market.symbol, 'limit', 'sell', 1, 101.5);
        ledger.lockLimit('M', 'sell', '101.5', '1');
        record('M', fokAsk, { side: 'sell', type: 'limit', amount: 1, status: 'canceled', filled: 0.6 });

        const killed = await taker.createOrder(market.symbol, 'limit', 'buy', 2, 102, { timeInForce: 'FOK' });
        assert.equal(killed.timeInForce, 'FOK');
        assert.equal(killed.status, 'canceled');
        assert.equal(killed.info.status, 'Expired');
        assert.equal(killed.filled, 0);
        assert.equal(killed.cost, 0);
        record('T', killed, { side: 'buy', type: 'limit', amount: 2, status: 'canceled', filled: 0 });
        await ledger.assertBalance(taker, 'T'); // unchanged
        const book = await taker.fetchOrderBook(market.symbol);
        assert.deepEqual(book.asks, [[101.5, 1]]);

        const filled = await taker.createOrder(market.symbol, 'limit', 'buy', 0.4, 101.5, { timeInForce: 'FOK' });
        trade({ maker: 'M', taker: 'T', takerSide: 'buy', price: '101.5', quantity: '0.4',
            makerOrder: fokAsk.id, takerOrder: filled.id });
        record('T', filled, { side: 'buy', type: 'limit', amount: 0.4, status: 'closed', filled: 0.4 });
        assert.equal(filled.status, 'closed');
        assert.equal(filled.filled, 0.4);
        assert.equal(filled.cost, 40.6);
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
    });

    it('createOrder postOnly: rests when it would not take, InvalidOrder when it would', async () => {
        postOnlyBid = await maker.createOrder(market.symbol, 'limit', 'buy', 0.5, 100, { postOnly: true });
        assert.equal(postOnlyBid.status, 'open');
        assert.equal(postOnlyBid.postOnly, true);
        assert.equal(postOnlyBid.info.postOnly, true);
        ledger.lockLimit('M', 'buy', '100', '0.5');
        record('M', postOnlyBid, { side: 'buy', type: 'limit', amount: 0.5, status: 'closed', filled: 0.5 });

        // would cross the best bid (100): Backpack rejects with INVALID_ORDER, nothing changes
        await assert.rejects(
            taker.createOrder(market.symbol, 'limit', 'sell', 0.5, 99.5, { timeInForce: 'PO' }),
            ccxt.InvalidOrder);
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
        const book = await taker.fetchOrderBook(market.symbol);
        assert.deepEqual(book.bids, [[100, 0.5], [99.5, 1.5]]);
    });

    it('createOrder market by amount: sweeps the bids at their prices', async () => {
        const order = await taker.createOrder(market.symbol, 'market', 'sell', 0.8);
        trade({ maker: 'M', taker: 'T', takerSide: 'sell', price: '100', quantity: '0.5',
            makerOrder: postOnlyBid.id, takerOrder: order.id });
        trade({ maker: 'M', taker: 'T', takerSide: 'sell', price: '99.5', quantity: '0.3',
            makerOrder: restingBid.id, takerOrder: order.id });
        record('T', order, { side: 'sell', type: 'market', amount: 0.8, status: 'closed', filled: 0.8 });
        assert.equal(order.type, 'market');
        assert.equal(order.side, 'sell');
        assert.equal(order.status, 'closed');
        assert.equal(order.amount, 0.8);
        assert.equal(order.filled, 0.8);
        assert.equal(order.cost, 79.85); // 0.5 x 100 + 0.3 x 99.5
        assert.equal(order.info.price, undefined, 'a market order has no price');
        assert.equal(order.average, 99.8125);
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
    });

    it('createOrder market by cost (params.cost): spends exactly the quote amount', async () => {
        const order = await taker.createOrder(market.symbol, 'market', 'buy', undefined, undefined, { cost: 20.3 });
        trade({ maker: 'M', taker: 'T', takerSide: 'buy', price: '101.5', quantity: '0.2',
            makerOrder: fokAsk.id, takerOrder: order.id });
        record('T', order, { side: 'buy', type: 'market', amount: undefined, status: 'closed', filled: 0.2 });
        assert.equal(order.info.quoteQuantity, '20.3');
        assert.equal(order.type, 'market');
        assert.equal(order.status, 'closed');
        assert.equal(order.filled, 0.2);
        assert.equal(order.cost, 20.3);
        assert.equal(order.average, 101.5);
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
    });

    let batch;
    it('createOrders: a batch of two limit orders', async () => {
        batch = await maker.createOrders([
            { symbol: market.symbol, type: 'limit', side: 'buy', amount: 1, price: 98 },
            { symbol: market.symbol, type: 'limit', side: 'sell', amount: 1, price: 103, params: { clientOrderId: 77 } },
        ]);
        assert.equal(batch.length, 2);
        assert.deepEqual(batch.map((o) => [o.side, o.price, o.amount, o.status, o.symbol]), [
            ['buy', 98, 1, 'open', market.symbol],
            ['sell', 103, 1, 'open', market.symbol],
        ]);
        assert.equal(batch[1].clientOrderId, '77');
        assert.notEqual(batch[0].id, batch[1].id);
        ledger.lockLimit('M', 'buy', '98', '1');
        ledger.lockLimit('M', 'sell', '103', '1');
        record('M', batch[0], { side: 'buy', type: 'limit', amount: 1, status: 'canceled', filled: 0 });
        record('M', batch[1], { side: 'sell', type: 'limit', amount: 1, status: 'canceled', filled: 0 });
        await ledger.assertBalance(maker, 'M');
        const book = await taker.fetchOrderBook(market.symbol);
        assert.deepEqual(book.asks, [[101.5, 0.4], [103, 1]]);
        assert.deepEqual(book.bids, [[99.5, 1.2], [98, 1]]);
    });

    it('cancelOrder: cancels one order and releases its lock', async () => {
        const cancelled = await maker.cancelOrder(batch[0].id, market.symbol);
        assert.equal(cancelled.id, batch[0].id);
        assert.equal(cancelled.status, 'canceled');
        assert.equal(cancelled.info.status, 'Cancelled');
        assert.equal(cancelled.filled, 0);
        ledger.releaseLimit('M', 'buy', '98', '1');
        await ledger.assertBalance(maker, 'M');
        await assert.rejects(maker.fetchOpenOrder(batch[0].id, market.symbol), ccxt.ExchangeNotAvailable);
    });

    it('cancelAllOrders: cancels every open order of the market', async () => {
        const cancelled = await maker.cancelAllOrders(market.symbol);
        assert.deepEqual(cancelled.map((o) => o.id).sort(), [restingBid.id, fokAsk.id, batch[1].id].sort());
        for (const o of cancelled) {
            assert.equal(o.status, 'canceled', `order ${o.id}`);
        }
        const byId = Object.fromEntries(cancelled.map((o) => [o.id, o]));
        assert.equal(byId[restingBid.id].filled, 0.3);
        assert.equal(byId[fokAsk.id].filled, 0.6);
        ledger.releaseLimit('M', 'buy', '99.5', '1.2');
        ledger.releaseLimit('M', 'sell', '101.5', '0.4');
        ledger.releaseLimit('M', 'sell', '103', '1');
        assert.deepEqual(await maker.fetchOpenOrders(market.symbol), []);
        const book = await taker.fetchOrderBook(market.symbol);
        assert.deepEqual([book.asks, book.bids], [[], []]);
        // nothing is locked any more
        assert.equal(ledger.expected('M', 'USDC').used, '0');
        assert.equal(ledger.expected('M', market.base).used, '0');
        await ledger.assertBalance(maker, 'M');
    });

    it('fetchOrders: the order history of each account with final states', async () => {
        for (const [who, client] of [['M', maker], ['T', taker]]) {
            const history = await client.fetchOrders(market.symbol);
            const want = [...orders.entries()].filter(([, o]) => o.who === who);
            assert.deepEqual(history.map((o) => o.id).sort(), want.map(([id]) => id).sort(), `${who} order ids`);
            for (const [id, o] of want) {
                const got = history.find((h) => h.id === id);
                assert.deepEqual(
                    { side: got.side, type: got.type, status: got.status, filled: got.filled, symbol: got.symbol },
                    { side: o.side, type: o.type, status: o.status, filled: o.filled, symbol: market.symbol },
                    `${who} order ${id}`);
                if (o.amount !== undefined) {
                    assert.equal(got.amount, o.amount, `${who} order ${id} amount`);
                }
            }
        }
        const limited = await maker.fetchOrders(market.symbol, undefined, 2);
        assert.equal(limited.length, 2);
    });

    it('fetchMyTrades: every fill of each account, with side, role, price, amount and fee', async () => {
        for (const [who, client] of [['M', maker], ['T', taker]]) {
            const fills = await client.fetchMyTrades(market.symbol);
            assert.equal(fills.length, trades.length, `${who} fill count`);
            // ccxt sorts ascending by timestamp; fills of one command share a timestamp, so compare as sets
            const got = fills.map((f) => ({
                order: f.order, side: f.side, takerOrMaker: f.takerOrMaker, price: f.price, amount: f.amount,
                cost: f.cost, fee: f.fee?.cost, feeCurrency: f.fee?.currency, symbol: f.symbol,
            })).sort(byKey);
            const want = trades.map((t) => {
                const isMaker = who === 'M';
                const side = isMaker ? (t.takerSide === 'buy' ? 'sell' : 'buy') : t.takerSide;
                const feeUnits = isMaker ? t.makerFee : t.takerFee;
                const feeCurrency = side === 'buy' ? market.base : 'USDC';
                const feeDecimals = side === 'buy' ? market.baseDecimals : 6;
                return {
                    order: isMaker ? t.makerOrder : t.takerOrder, side, takerOrMaker: isMaker ? 'maker' : 'taker',
                    price: Number(t.price), amount: Number(t.quantity), cost: Number(decimal(t.quote, 6)),
                    fee: Number(decimal(feeUnits, feeDecimals)), feeCurrency, symbol: market.symbol,
                };
            }).sort(byKey);
            assert.deepEqual(got, want, `${who} fills`);
            for (const f of fills) {
                assert.ok(Math.abs(f.timestamp - Date.now()) < 120000, `fill timestamp ${f.timestamp}`);
                assert.ok(f.timestamp >= startedAt - 5000);
            }
        }
        const two = await taker.fetchMyTrades(market.symbol, undefined, 2);
        assert.equal(two.length, 2);
        // since / until are sent as from / to (ms)
        assert.deepEqual(await taker.fetchMyTrades(market.symbol, Date.now() + 60000), []);
        assert.deepEqual(await taker.fetchMyTrades(market.symbol, undefined, undefined, { until: startedAt - 60000 }), []);
    });

    it('fetchBalance: final balances of both accounts equal deposits +/- trades - fees, to the last decimal', async () => {
        await ledger.assertBalance(maker, 'M');
        await ledger.assertBalance(taker, 'T');
        // by hand, from the six trades: M sold 2.6 for 263.64 USDC (fees 0.052729) and bought 0.8 for 79.85
        // (fees 0.00016 base); T the other way round (fees 0.0013 base and 0.039925 USDC)
        assert.deepEqual(ledger.expected('M', 'USDC'), { free: '50183.737271', used: '0', total: '50183.737271' });
        assert.deepEqual(ledger.expected('M', market.base), { free: '98.19984', used: '0', total: '98.19984' });
        assert.deepEqual(ledger.expected('T', 'USDC'), { free: '49816.170075', used: '0', total: '49816.170075' });
        assert.deepEqual(ledger.expected('T', market.base), { free: '101.7987', used: '0', total: '101.7987' });
    });

    it('fetchTrades: the public trades of the market', async () => {
        const got = await taker.fetchTrades(market.symbol);
        assert.equal(got.length, trades.length);
        assert.deepEqual(
            got.map((t) => [t.price, t.amount, t.side, t.symbol]).sort(byJson),
            trades.map((t) => [Number(t.price), Number(t.quantity), t.takerSide, market.symbol]).sort(byJson));
        const ids = got.map((t) => Number(t.id));
        assert.equal(new Set(ids).size, ids.length, 'trade ids are unique');
        for (const t of got) {
            assert.ok(t.timestamp >= startedAt - 5000 && t.timestamp <= Date.now() + 5000, `timestamp ${t.timestamp}`);
        }
        const limited = await taker.fetchTrades(market.symbol, undefined, 2);
        assert.equal(limited.length, 2);
        const paged = await taker.fetchTrades(market.symbol, undefined, 2, { offset: 2 }); // /api/v1/trades/history
        assert.equal(paged.length, 2);
        assert.equal(paged.filter((t) => limited.some((l) => l.id === t.id)).length, 0, 'offset skips the newest');
    });

    it('fetchTicker: 24 h statistics from the trades', async () => {
        const volume = 3.4; // 0.123 + 1.877 + 0.4 + 0.5 + 0.3 + 0.2
        const quoteVolume = Number(decimal(trades.reduce((s, t) => s + t.quote, 0n), 6)); // 343.49
        await eventually(async () => {
            const ticker = await taker.fetchTicker(market.symbol);
            assert.deepEqual(
                { symbol: ticker.symbol, open: ticker.open, high: ticker.high, low: ticker.low, last: ticker.last,
                    close: ticker.close, baseVolume: ticker.baseVolume, quoteVolume: ticker.quoteVolume,
                    change: ticker.change },
                { symbol: market.symbol, open: 101.37, high: 101.5, low: 99.5, last: 101.5, close: 101.5,
                    baseVolume: volume, quoteVolume, change: 0.13 });
            assert.equal(ticker.info.trades, String(trades.length));
            // priceChangePercent is a fraction (six decimals), ccxt multiplies by 100: 0.13 / 101.37 = 0.1282 %
            assert.ok(Math.abs(ticker.percentage - 0.128243) < 0.0001, `percentage ${ticker.percentage}`);
        }, { timeout: 5000 });
        assert.equal(quoteVolume, 343.49);
    });

    it('fetchTickers: every market, ours with the same figures', async () => {
        await eventually(async () => {
            const tickers = await taker.fetchTickers();
            for (const symbol of [market.symbol, 'SOL/USDC', 'BTC/USDC', 'ETH/USDC']) {
                assert.ok(tickers[symbol], `ticker for ${symbol}`);
            }
            assert.equal(tickers[market.symbol].last, 101.5);
            assert.equal(tickers[market.symbol].baseVolume, 3.4);
            const some = await taker.fetchTickers([market.symbol, 'SOL/USDC']);
            assert.deepEqual(Object.keys(some).sort(), [market.symbol, 'SOL/USDC'].sort());
        }, { timeout: 5000 });
    });

    it('fetchOHLCV: candles add up to the trades', async () => {
        const candles = await taker.fetchOHLCV(market.symbol, '1m', startedAt - 60000);
        assert.ok(candles.length >= 1 && candles.length <= 3, `${candles.length} one-minute candles`);
        for (const [ts] of candles) {
            assert.equal(ts % 60000, 0, 'candles start on the minute');
        }
        assert.equal(candles[0][1], 101.37, 'open of the first candle is the first trade');
        assert.equal(candles.at(-1)[4], 101.5, 'close of the last candle is the last trade');
        assert.equal(Math.max(...candles.map((c) => c[2])), 101.5);
        assert.equal(Math.min(...candles.map((c) => c[3])), 99.5);
        assert.equal(Number(candles.reduce((s, c) => s + c[5], 0).toFixed(8)), 3.4);

        const dayStart = Math.floor(Date.now() / 86400000) * 86400000;
        if (dayStart <= startedAt) { // the scenario did not straddle midnight UTC
            const day = await taker.fetchOHLCV(market.symbol, '1d', undefined, 2);
            assert.equal(day.length, 1, 'one daily candle: the market is new');
            assert.deepEqual(day[0], [dayStart, 101.37, 101.5, 99.5, 101.5, 3.4]);
        }
    });
});

function byKey(a, b) {
    return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}

const byJson = byKey;
