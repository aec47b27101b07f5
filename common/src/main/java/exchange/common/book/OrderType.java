package exchange.common.book;

/** Backpack order types supported by the engine. */
public enum OrderType {
    /** Has a limit price; may rest on the book (GTC). */
    Limit,
    /** No price; takes liquidity immediately and never rests. */
    Market
}
