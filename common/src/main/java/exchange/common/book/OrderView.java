package exchange.common.book;

/**
 * Read-only view of an order as the engine holds it; everything a REST or WebSocket layer needs to
 * render Backpack's order object. Prices are in ticks, quantities in steps, quote amounts and locked
 * funds in the smallest unit of the respective asset.
 *
 * <p>Views handed to an engine listener are only valid during the callback: the engine reuses order
 * objects. Copy what you need (for example with {@code OrderSnapshot.of}).
 */
public interface OrderView {

    /** @return engine-assigned id, starting at 1 */
    long orderId();

    /** @return owning account */
    long accountId();

    /** @return client id 0..4294967295, or {@link Order#NO_CLIENT_ID} */
    long clientId();

    /** @return market symbol, e.g. {@code SOL_USDC} */
    String symbol();

    /** @return side */
    Side side();

    /** @return type */
    OrderType type();

    /** @return time in force */
    TimeInForce timeInForce();

    /** @return whether the order may only make liquidity */
    boolean postOnly();

    /** @return self-trade prevention mode */
    SelfTradePrevention selfTradePrevention();

    /** @return limit price in ticks; 0 for market orders */
    long price();

    /** @return ordered quantity in steps; 0 for a market order sized by quote quantity */
    long quantity();

    /** @return ordered quote quantity in quote units; 0 unless a market order sized by quote */
    long quoteQuantity();

    /** @return executed quantity in steps */
    long executedQuantity();

    /** @return executed quote quantity in quote units */
    long executedQuoteQuantity();

    /** @return funds still locked for the order (quote units for bids, base units for asks) */
    long locked();

    /** @return current status */
    OrderStatus status();

    /** @return timestamp of the placing command, epoch microseconds */
    long createdAt();
}
