package exchange.router.marketdata;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Backpack's K-line intervals and how candles are aligned: fixed-length intervals are counted from the Unix
 * epoch in UTC (so a 4h candle starts at 00:00, 04:00, ... UTC and a 3d candle every third day from
 * 1970-01-01), weeks start on Monday 00:00 UTC, months on the 1st 00:00 UTC. {@link #bucketSql()} groups the
 * same way in PostgreSQL, so Java and SQL agree on every boundary.
 */
public enum KlineInterval {

    ONE_SECOND("1s", Duration.ofSeconds(1)),
    ONE_MINUTE("1m", Duration.ofMinutes(1)),
    THREE_MINUTES("3m", Duration.ofMinutes(3)),
    FIVE_MINUTES("5m", Duration.ofMinutes(5)),
    FIFTEEN_MINUTES("15m", Duration.ofMinutes(15)),
    THIRTY_MINUTES("30m", Duration.ofMinutes(30)),
    ONE_HOUR("1h", Duration.ofHours(1)),
    TWO_HOURS("2h", Duration.ofHours(2)),
    FOUR_HOURS("4h", Duration.ofHours(4)),
    SIX_HOURS("6h", Duration.ofHours(6)),
    EIGHT_HOURS("8h", Duration.ofHours(8)),
    TWELVE_HOURS("12h", Duration.ofHours(12)),
    ONE_DAY("1d", Duration.ofDays(1)),
    THREE_DAYS("3d", Duration.ofDays(3)),
    ONE_WEEK("1w", Duration.ofDays(7)),
    ONE_MONTH("1month", null);

    /** 1970-01-05 was the first Monday after the epoch. */
    private static final Instant WEEK_ORIGIN = Instant.parse("1970-01-05T00:00:00Z");

    private final String wire;
    private final Duration length;

    KlineInterval(String wire, Duration length) {
        this.wire = wire;
        this.length = length;
    }

    public static Optional<KlineInterval> parse(String value) {
        for (KlineInterval interval : values()) {
            if (interval.wire.equals(value)) {
                return Optional.of(interval);
            }
        }
        return Optional.empty();
    }

    public String wire() {
        return wire;
    }

    /** The start of the candle that contains {@code time}. */
    public Instant bucketStart(Instant time) {
        if (length == null) {
            YearMonth month = YearMonth.from(time.atOffset(ZoneOffset.UTC));
            return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        Instant origin = origin();
        long step = length.toSeconds();
        long sinceOrigin = time.getEpochSecond() - origin.getEpochSecond();
        return origin.plusSeconds(Math.floorDiv(sinceOrigin, step) * step);
    }

    /** The start of the candle {@code count} candles after the one starting at {@code bucketStart}. */
    public Instant plus(Instant bucketStart, long count) {
        if (length == null) {
            return bucketStart.atOffset(ZoneOffset.UTC).plusMonths(count).toInstant();
        }
        return bucketStart.plusSeconds(Math.multiplyExact(length.toSeconds(), count));
    }

    /** The smallest candle boundary at or after {@code time}. */
    Instant ceil(Instant time) {
        Instant start = bucketStart(time);
        return start.equals(time) ? start : plus(start, 1);
    }

    /** True if every candle is whole minutes, so it can be summed from {@code trade_minute}: all but 1s. */
    boolean wholeMinutes() {
        return this != ONE_SECOND;
    }

    /**
     * The PostgreSQL expression for the candle start of {@code created_at}. Built only from constants of this
     * enum, never from request text.
     */
    String bucketSql() {
        return bucketSql("created_at");
    }

    /**
     * The PostgreSQL expression for the candle start of the {@code timestamptz} expression {@code time}, which
     * must be a constant of the caller's, never request text.
     */
    String bucketSql(String time) {
        if (length == null) {
            return "date_trunc('month', " + time + ", 'UTC')";
        }
        return "date_bin(make_interval(secs => " + length.toSeconds() + "), " + time + ", TIMESTAMPTZ '"
                + origin() + "')";
    }

    private Instant origin() {
        return this == ONE_WEEK ? WEEK_ORIGIN : Instant.EPOCH;
    }
}
