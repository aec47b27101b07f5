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
