package exchange.router.marketdata;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Backpack's {@code Market} object. Decimals are strings; {@code createdAt} is an ISO local date-time in UTC,
 * as Backpack sends it.
 */
record MarketResponse(
        String symbol,
        String baseSymbol,
        String quoteSymbol,
        String marketType,
        Filters filters,
        String orderBookState,
        String createdAt,
        boolean visible) {

    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    static MarketResponse of(MarketRow row) {
        return new MarketResponse(row.symbol(), row.baseSymbol(), row.quoteSymbol(), "SPOT",
                new Filters(
                        new PriceFilter(plain(row.tickSize()), plain(row.tickSize())),
                        new QuantityFilter(plain(row.minQuantity()), plain(row.stepSize()))),
                row.halted() ? "CancelOnly" : "Open",
                CREATED_AT.format(row.createdAt()),
                true);
    }

    static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    record Filters(PriceFilter price, QuantityFilter quantity) {
    }

    record PriceFilter(String minPrice, String tickSize) {
    }

    record QuantityFilter(String minQuantity, String stepSize) {
    }
}
