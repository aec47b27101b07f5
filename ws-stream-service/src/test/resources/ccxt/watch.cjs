// Runs ccxt's backpack WebSocket client against ws-stream: watchOrderBook, watchTrades, watchTicker,
// watchOHLCV and watchOrders (signed), then prints what ccxt parsed as one JSON line. Driven by
// exchange.stream.CcxtIT. Usage: CCXT_MODULES=<node_modules dir> node watch.cjs <ws url> <apiKey> <secret> <rest url>
const path = require('path');
// Resolved as if from the directory holding node_modules, so ccxt's package "exports" apply.
const ccxt = require('module').createRequire(path.join(process.env.CCXT_MODULES, '..', 'index.js'))('ccxt');

const [wsUrl, apiKey, secret, restUrl] = process.argv.slice(2);
const exchange = new ccxt.pro.backpack({
    apiKey,
    secret,
    urls: { api: { public: restUrl, private: restUrl, ws: { public: wsUrl, private: wsUrl } } },
});
// The markets come from the router's REST API in real use; here they are given so only ws-stream is needed.
exchange.setMarkets([{
    id: 'SOL_USDC', symbol: 'SOL/USDC', base: 'SOL', quote: 'USDC', baseId: 'SOL', quoteId: 'USDC',
    type: 'spot', spot: true, active: true, precision: { amount: 0.01, price: 0.01 }, limits: {}, info: {},
}]);

async function main() {
    // ccxt in node refuses plain ws:// URLs until its HTTP agent is loaded (wss:// needs nothing).
    await exchange.loadHttpProxyAgent();
    const [book, trades, ticker, candles, orders] = await Promise.all([
        exchange.watchOrderBook('SOL/USDC'),
        exchange.watchTrades('SOL/USDC'),
        exchange.watchTicker('SOL/USDC'),
        exchange.watchOHLCV('SOL/USDC', '1m'),
        exchange.watchOrders(),
    ]);
    console.log(JSON.stringify({
        book: { nonce: book.nonce, asks: book.asks.slice(0, 3), bids: book.bids.slice(0, 3) },
        trades: trades.map((t) => ({ id: t.id, price: t.price, amount: t.amount, side: t.side, timestamp: t.timestamp })),
        ticker: { symbol: ticker.symbol, last: ticker.last, high: ticker.high, baseVolume: ticker.baseVolume },
        candles,
        orders: orders.map((o) => ({ id: o.id, symbol: o.symbol, status: o.status, side: o.side, price: o.price })),
    }));
    await exchange.close();
}

main().catch((e) => {
    console.log(JSON.stringify({ error: String(e) }));
    process.exit(1);
});
