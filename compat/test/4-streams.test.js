// WebSocket streams through ccxt.pro's backpack adapter (ws-stream fed by the engine leader): watchOrderBook
// (REST snapshot + depth deltas by U/u), watchBidsAsks, watchTrades, watchTicker, watchOHLCV and the signed
// watchOrders, on a fresh market with a maker M and a taker T.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newMarket, newAccount, proClient, restClient, withTimeout, sleep } from '../lib/harness.js';

const WAIT = 10000; // ms for one stream update
const SETTLE = 1000; // ms for a SUBSCRIBE to reach ws-stream and its Redis subscription before the event (no ack exists)

/**
 * Waits until check(state()) holds: ccxt.pro keeps the latest state in exchange.orderbooks / tickers / ohlcvs /
 * orders, and watch() resolves on the next update (an update that lands between two watch() calls changes the
 * state without resolving anything, hence the state check before each wait). A rejected watch() fails the wait.
 */
async function until(state, check, watch, what, timeout = WAIT) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const current = state();
        if (current !== undefined && check(current)) {
            return current;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
            throw new Error(`${what}: not reached within ${timeout} ms; last state: ${JSON.stringify(current)}`);
        }
        const next = watch();
        next.catch(() => {});
        await Promise.race([next, sleep(Math.min(250, remaining))]);
    }
}

describe('WebSocket streams (ccxt.pro)', () => {
    let market;
    let M;
    let T;
    let pub; // public streams, no keys
    let mpro; // maker's private stream
    let maker; // REST clients for the actions
    let taker;

    before(async () => {
        market = await newMarket({ tickSize: '0.01', stepSize: '0.001', minQuantity: '0.01' });
        const deposits = { USDC: '10000', [market.base]: '100' };
        [M, T] = [await newAccount('compat-ws-maker', deposits), await newAccount('compat-ws-taker', deposits)];
        pub = proClient();
        mpro = proClient(M);
        maker = restClient(M);
        taker = restClient(T);
        for (const client of [pub, mpro]) {
            await client.loadHttpProxyAgent(); // ccxt refuses plain ws:// URLs without it
        }
        await Promise.all([pub, mpro, maker, taker].map((c) => c.loadMarkets()));
    });

    after(async () => {
        await Promise.allSettled([pub, mpro, maker, taker].map((c) => c?.close()));
    });

    const bidPrices = Array.from({ length: 12 }, (_, i) => Number((90 + i / 100).toFixed(2))); // 90.00 .. 90.11
    const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const plain = (x) => JSON.parse(JSON.stringify(x)); // ccxt's book sides are Array subclasses

    it('watchOrderBook: REST snapshot plus depth deltas give the book; later changes arrive as deltas', async () => {
        const first = pub.watchOrderBook(market.symbol);
        first.catch(() => {}); // awaited below; keeps an early rejection from being unhandled meanwhile
        await sleep(SETTLE);
        // ccxt caches 10 deltas before it fetches the REST snapshot (option snapshotDelay), so make more
        const placed = [];
        for (const price of bidPrices) {
            placed.push(await maker.createOrder(market.symbol, 'limit', 'buy', 0.1, price));
        }
        await withTimeout(first, WAIT, 'first watchOrderBook (snapshot synchronised)');
        const expected = bidPrices.map((p) => [p, 0.1]).reverse();
        const book = await until(() => pub.orderbooks[market.symbol],
            (b) => sameJson(b.bids, expected) && b.asks.length === 0,
            () => pub.watchOrderBook(market.symbol), 'order book with the 12 bids');
        assert.equal(book.symbol, market.symbol);
        const nonce = book.nonce;
        assert.equal(typeof nonce, 'number');
        assert.ok(Math.abs(book.timestamp - Date.now()) < 10000, `timestamp ${book.timestamp}`);

        // a cancel removes a level, an ask adds one: two more deltas
        await maker.cancelOrder(placed[0].id, market.symbol); // the 90.00 bid
        await maker.createOrder(market.symbol, 'limit', 'sell', 0.25, 95.5);
        const after = await until(() => pub.orderbooks[market.symbol],
            (b) => b.asks.length === 1 && b.bids.length === 11,
            () => pub.watchOrderBook(market.symbol), 'book after a cancel and an ask');
        assert.deepEqual(plain(after.asks), [[95.5, 0.25]]);
        assert.deepEqual(plain(after.bids), expected.slice(0, 11));
        assert.equal(after.nonce, nonce + 2, 'one depth update id per command');
        const rest = await taker.fetchOrderBook(market.symbol);
        assert.deepEqual([rest.bids, rest.asks, rest.nonce], plain([after.bids, after.asks, after.nonce]), 'as REST');
    });

    it('watchBidsAsks: the top of the book as it changes', async () => {
        const pending = pub.watchBidsAsks([market.symbol]);
        pending.catch(() => {});
        await sleep(SETTLE);
        const better = await maker.createOrder(market.symbol, 'limit', 'buy', 0.3, 90.5); // new best bid
        await withTimeout(pending, WAIT, 'watchBidsAsks');
        const top = await until(() => pub.bidsasks[market.symbol], (t) => t.bid === 90.5,
            () => pub.watchBidsAsks([market.symbol]), 'best bid 90.5');
        assert.deepEqual([top.symbol, top.bid, top.bidVolume, top.ask, top.askVolume],
            [market.symbol, 90.5, 0.3, 95.5, 0.25]);
        await maker.cancelOrder(better.id, market.symbol); // back to 90.11 for the next tests
        const back = await until(() => pub.bidsasks[market.symbol], (t) => t.bid === 90.11,
            () => pub.watchBidsAsks([market.symbol]), 'best bid back at 90.11');
        assert.deepEqual([back.bid, back.bidVolume, back.ask], [90.11, 0.1, 95.5]);
    });

    it('watchTrades: a trade as it happens', async () => {
        const pending = pub.watchTrades(market.symbol);
        pending.catch(() => {});
        await sleep(SETTLE);
        const order = await taker.createOrder(market.symbol, 'market', 'sell', 0.1); // hits the 90.11 bid
        assert.equal(order.status, 'closed');
        const trades = await withTimeout(pending, WAIT, 'watchTrades');
        assert.equal(trades.length, 1);
        const [t] = trades;
        assert.deepEqual([t.symbol, t.price, t.amount, t.side], [market.symbol, 90.11, 0.1, 'sell']);
        assert.match(String(t.id), /^\d+$/);
        assert.ok(Math.abs(t.timestamp - Date.now()) < 10000, `timestamp ${t.timestamp} is now`);
        const rest = await taker.fetchTrades(market.symbol);
        assert.equal(String(rest.at(-1).id), String(t.id), 'same trade id as REST');
    });

    it('watchTicker: 24 h statistics after a trade', async () => {
        const ticker = await until(() => pub.tickers[market.symbol],
            (t) => t.last === 90.11 && t.baseVolume === 0.1,
            () => pub.watchTicker(market.symbol), 'ticker with the 90.11 trade');
        assert.deepEqual(
            [ticker.symbol, ticker.open, ticker.high, ticker.low, ticker.close, ticker.quoteVolume],
            [market.symbol, 90.11, 90.11, 90.11, 90.11, 9.011]);
        assert.ok(Math.abs(ticker.timestamp - Date.now()) < 10000, `timestamp ${ticker.timestamp}`);
    });

    it('watchOHLCV: the current 1m candle after a trade, equal to the REST candle', async () => {
        const pending = pub.watchOHLCV(market.symbol, '1m');
        pending.catch(() => {});
        await sleep(SETTLE);
        await taker.createOrder(market.symbol, 'market', 'sell', 0.2); // 0.1 at 90.10 and 0.1 at 90.09
        await withTimeout(pending, WAIT, 'watchOHLCV');
        const candles = await until(() => pub.ohlcvs[market.symbol]?.['1m'],
            (c) => c.length > 0 && c.at(-1)[4] === 90.09,
            () => pub.watchOHLCV(market.symbol, '1m'), 'candle closing at 90.09');
        const candle = [...candles.at(-1)];
        // ccxt 4.5's parseWsOHLCV stamps a streamed candle with its close time `T` (the spec's "K-Line close
        // time"), where REST candles carry their start: the same candle is one interval later on the stream
        const start = candle[0] - 60000;
        assert.equal(start % 60000, 0, 'candle starts on the minute');
        assert.ok(Math.abs(start - Date.now()) < 120000, `candle start ${start}`);
        const rest = await taker.fetchOHLCV(market.symbol, '1m', start, 1);
        assert.deepEqual(rest[0], [start, ...candle.slice(1)], 'same candle as GET /api/v1/klines');
        assert.equal(candle[3], 90.09);
    });

    it('watchOrders: the signed order stream follows an order from open to closed', async () => {
        const perMarket = mpro.watchOrders(market.symbol);
        const all = mpro.watchOrders();
        perMarket.catch(() => {});
        all.catch(() => {});
        await sleep(SETTLE);
        const order = await maker.createOrder(market.symbol, 'limit', 'sell', 0.5, 95, { clientOrderId: 99 });
        for (const [what, pending] of [['watchOrders(symbol)', perMarket], ['watchOrders()', all]]) {
            const list = await withTimeout(pending, WAIT, what);
            const accepted = list.find((o) => o.id === order.id);
            assert.ok(accepted, `${what}: order ${order.id} in ${JSON.stringify(list.map((o) => o.id))}`);
            assert.deepEqual(
                [accepted.symbol, accepted.status, accepted.side, accepted.type, accepted.price, accepted.amount,
                    accepted.clientOrderId],
                [market.symbol, 'open', 'sell', 'limit', 95, 0.5, '99'], what);
        }

        await taker.createOrder(market.symbol, 'limit', 'buy', 0.5, 95, { timeInForce: 'IOC' });
        const filled = await until(() => mpro.orders?.hashmap?.[market.symbol]?.[order.id],
            (o) => o.status === 'closed',
            () => mpro.watchOrders(market.symbol), 'order closed by the fill');
        assert.equal(filled.cost, 47.5);
        assert.equal(filled.info.e, 'orderFill');
        assert.equal(filled.info.z, '0.5');
        assert.equal(filled.info.X, 'Filled');
    });
});
