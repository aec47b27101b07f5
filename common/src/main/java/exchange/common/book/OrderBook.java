package exchange.common.book;

/**
 * One market's resting limit orders with price-time priority: better price first, then earlier
 * arrival. Quantities are the orders' remaining steps; prices are ticks.
 *
 * <p>The contract is purely structural: matching rules, funds and events live in the engine.
 * Implementations are not thread-safe (the engine thread owns the book) and must not allocate on
 * {@link #add}, {@link #remove}, {@link #reduce} or the traversal methods in the steady state.
 */
public interface OrderBook {

    /** Sentinel returned by {@link #bestPrice} when a side is empty. */
    long NO_PRICE = -1;

    /**
     * Appends the order at the back of its price level (creating the level if needed).
     *
     * @param order an order not on any book, with a positive price and remaining quantity
     */
    void add(Order order);

    /**
     * Unlinks a resting order (removing its level if it becomes empty).
     *
     * @param order an order currently on this book
     */
    void remove(Order order);

    /**
     * Lowers the level total after the engine executed {@code quantity} of a resting order. Call
     * after {@link Order#execute}; the order keeps its queue position.
     *
     * @param order resting order
     * @param quantity executed steps
     */
    void reduce(Order order, long quantity);

    /** @return the order with the best priority on side, or null if the side is empty */
    Order first(Side side);

    /** @return the order right after {@code order} in priority on its side, or null */
    Order next(Order order);

    /** @return best price on side in ticks, or {@link #NO_PRICE} */
    long bestPrice(Side side);

    /** @return total remaining steps resting at price on side, 0 if there is no such level */
    long levelQuantity(Side side, long price);

    /** @return number of price levels on side */
    int levelCount(Side side);

    /** @return number of resting orders on both sides */
    int orderCount();
}
