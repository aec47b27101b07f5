package exchange.common.engine;

import exchange.common.book.OrderBook;
import exchange.common.book.SortedArrayOrderBook;

/** Engine-internal market: derived unit factors, status, book and per-command depth tracking. */
final class Market {
    final MarketSpec spec;
    final String symbol;
    /** Creation order; depth events of one command are emitted in this order. */
    final int index;
    final Asset base;
    final Asset quote;
    /** Quote units per (1 tick * 1 step): quoteUnits = priceTicks * qtySteps * this. */
    final long quotePerTickStep;
    /** Base units per step. */
    final long basePerStep;
    final long minQuantity;
    final int makerFeePpm;
    final int takerFeePpm;
    final OrderBook book = new SortedArrayOrderBook();
    MarketStatus status = MarketStatus.Open;
    long depthUpdateId;

    boolean depthDirty;
    long[] changedBids = new long[16];
    int changedBidCount;
    long[] changedAsks = new long[16];
    int changedAskCount;

    Market(MarketSpec spec, int index, Asset base, Asset quote, long quotePerTickStep, long basePerStep,
            long minQuantity) {
        this.spec = spec;
        this.index = index;
        this.symbol = spec.symbol();
        this.base = base;
        this.quote = quote;
        this.quotePerTickStep = quotePerTickStep;
        this.basePerStep = basePerStep;
        this.minQuantity = minQuantity;
        this.makerFeePpm = spec.makerFeePpm();
        this.takerFeePpm = spec.takerFeePpm();
    }
}
