package exchange.router.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Backpack's {@code OrderFill}: one side of a trade as the account saw it. {@code timestamp} is a naive UTC
 * date-time ({@code 2025-07-27T17:39:00.092}), which ccxt parses as UTC; {@code clientId} is the order's client
 * id as a string, omitted when the order had none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FillResponse(
        String clientId,
        String fee,
        String feeSymbol,
        @JsonProperty("isMaker") boolean isMaker,
        String orderId,
        String price,
        String quantity,
        String side,
        String symbol,
        String timestamp,
        long tradeId) {
}
