package exchange.router.marketdata;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Backpack's {@code Kline}: every value a string, {@code start} and {@code end} as {@code 2025-07-19 13:09:00}
 * in UTC ({@code end} is the next candle's start), {@code trades} a count.
 */
record KlineResponse(
        String start,
        String end,
        String open,
        String high,
        String low,
        String close,
        String volume,
        String quoteVolume,
        String trades) {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    static String time(Instant instant) {
        return TIME.format(instant);
    }
}
