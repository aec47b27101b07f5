package exchange.common.engine;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.OrderView;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;

/**
 * Immutable copy of an order's state: Backpack's order object in engine units (ticks, steps, asset
 * units), plus the funds still locked. Used in events and in {@link EngineState}.
 *
 * @param orderId engine order id (from 1)
 * @param accountId owner
 * @param clientId 0..4294967295, or -1 if none
 * @param symbol market
 * @param side Bid or Ask
 * @param type Limit or Market
 * @param timeInForce as given (for market orders GTC behaves as IOC)
 * @param postOnly whether the order may only make
 * @param selfTradePrevention the order's STP mode
 * @param price limit price in ticks, 0 for market orders
 * @param quantity ordered steps, 0 for orders sized by quote
 * @param quoteQuantity ordered quote units, 0 unless sized by quote
 * @param executedQuantity executed steps
 * @param executedQuoteQuantity executed quote units
 * @param locked funds still locked (quote units for bids, base units for asks); 0 once final
 * @param status status after the event
 * @param createdAt timestamp of the placing command, epoch microseconds
 */
public record OrderSnapshot(long orderId, long accountId, long clientId, String symbol, Side side, OrderType type,
        TimeInForce timeInForce, boolean postOnly, SelfTradePrevention selfTradePrevention, long price,
        long quantity, long quoteQuantity, long executedQuantity, long executedQuoteQuantity, long locked,
        OrderStatus status, long createdAt) {

    /** @return a copy of the view's current state */
    public static OrderSnapshot of(OrderView o) {
        return new OrderSnapshot(o.orderId(), o.accountId(), o.clientId(), o.symbol(), o.side(), o.type(),
                o.timeInForce(), o.postOnly(), o.selfTradePrevention(), o.price(), o.quantity(), o.quoteQuantity(),
                o.executedQuantity(), o.executedQuoteQuantity(), o.locked(), o.status(), o.createdAt());
    }
}
