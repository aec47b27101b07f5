package exchange.common.engine;

/** Why an order's unfilled remainder expired. */
public enum ExpireReason {
    /** IOC or market order: nothing more to match now (book exhausted, price limit, or funds/quote budget used up). */
    IMMEDIATE_OR_CANCEL,
    /** FOK order that could not be filled completely; it expired without any fill. */
    FILL_OR_KILL,
    /** The taker side of a self-trade under RejectTaker or RejectBoth. */
    SELF_TRADE_PREVENTION
}
