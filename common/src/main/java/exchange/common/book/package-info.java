/**
 * Orders and the order book: the vocabulary Backpack uses (sides, types, time in force, self-trade
 * prevention, statuses), the engine's pooled {@link exchange.common.book.Order} and the
 * {@link exchange.common.book.OrderBook} contract with its price-time implementation. Mutable types here
 * are owned by the engine thread and are not thread-safe.
 */
package exchange.common.book;
