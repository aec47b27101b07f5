package exchange.common.engine;

/** Whether a market accepts new orders. */
public enum MarketStatus {
    /** Trading. */
    Open,
    /** New orders are rejected with {@link RejectReason#MARKET_HALTED}; cancels still work. */
    Halted
}
