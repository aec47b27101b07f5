package exchange.common.book;

/** Order status as Backpack names it (trigger statuses are not supported yet). */
public enum OrderStatus {
    /** Accepted, nothing executed yet. */
    New,
    /** Some quantity executed, the order is still open. */
    PartiallyFilled,
    /** Completely executed. Final. */
    Filled,
    /** Cancelled by its owner or by self-trade prevention (resting side). Final. */
    Cancelled,
    /** Ended by its time in force, by self-trade prevention (taker side) or lack of liquidity/funds. Final. */
    Expired
}
