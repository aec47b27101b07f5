package exchange.router.marketdata;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How Backpack writes values on the wire: decimals as plain strings without trailing zeros ({@code "0.5"},
 * never {@code "5E-1"} or {@code "0.50000000"}, which is how {@code numeric} columns come back), and naive UTC
 * date-times where the spec says {@code naive-date-time}.
 */
public final class WireFormat {

    private static final DateTimeFormatter NAIVE_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private WireFormat() {
    }

    /** A plain decimal string, or null for null (so the field is omitted). */
    public static String decimal(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros().toPlainString();
    }

    /** {@code 2025-07-27T17:39:00.092}: UTC without a zone, as Backpack writes fill and order history times. */
    public static String naiveUtcMillis(Instant time) {
        return NAIVE_MILLIS.format(time);
    }

    /** Microseconds since the epoch, the unit of Backpack's depth and stream timestamps. */
    public static long micros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
    }
}
