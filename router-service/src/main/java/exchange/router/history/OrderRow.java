package exchange.router.history;

import java.math.BigDecimal;
import java.time.Instant;

import exchange.router.marketdata.WireFormat;
import exchange.router.order.OrderResponse;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * The columns of an {@code orders} row that clients see. Never serialised to the wire: {@link #toResponse()}
 * maps it to Backpack's order object.
 */
@Table("orders")
public record OrderRow(
        @Id long id,
        long accountId,
        String symbol,
        Long clientId,
        String side,
        String orderType,
        String timeInForce,
        boolean postOnly,
        String selfTradePrevention,
        BigDecimal price,
        BigDecimal quantity,
        BigDecimal quoteQuantity,
        BigDecimal executedQuantity,
        BigDecimal executedQuoteQuantity,
        String status,
        Instant createdAt) {

    /** Backpack's order object; {@code postOnly} and {@code price} exist only on limit orders. */
    public OrderResponse toResponse() {
        boolean limit = "Limit".equals(orderType);
        return new OrderResponse(orderType, Long.toString(id), clientId, createdAt.toEpochMilli(),
                WireFormat.decimal(executedQuantity), WireFormat.decimal(executedQuoteQuantity),
                limit ? postOnly : null, WireFormat.decimal(price), WireFormat.decimal(quantity),
                WireFormat.decimal(quoteQuantity), false, selfTradePrevention, status, side, symbol, timeInForce);
    }
}
