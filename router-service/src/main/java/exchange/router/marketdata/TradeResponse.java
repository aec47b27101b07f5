package exchange.router.marketdata;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Backpack's public {@code Trade}: decimals as strings, {@code timestamp} in epoch milliseconds. */
record TradeResponse(
        long id,
        String price,
        String quantity,
        String quoteQuantity,
        long timestamp,
        @JsonProperty("isBuyerMaker") boolean isBuyerMaker) {
}
