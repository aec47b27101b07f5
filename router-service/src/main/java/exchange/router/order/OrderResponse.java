package exchange.router.order;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Backpack's order object ({@code LimitOrder} / {@code MarketOrder}), as returned by the order endpoints and
 * the order history. Decimals are strings; {@code createdAt} is epoch milliseconds; absent fields are omitted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OrderResponse(
        String orderType,
        String id,
        Long clientId,
        long createdAt,
        String executedQuantity,
        String executedQuoteQuantity,
        Boolean postOnly,
        String price,
        String quantity,
        String quoteQuantity,
        boolean reduceOnly,
        String selfTradePrevention,
        String status,
        String side,
        String symbol,
        String timeInForce) {
}
