package exchange.router.marketdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KlineIntervalTests {

    @Test
    void parsesEveryBackpackIntervalAndNothingElse() {
        assertThat(Arrays.stream(KlineInterval.values()).map(KlineInterval::wire)).containsExactly(
                "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w",
                "1month");
        for (KlineInterval interval : KlineInterval.values()) {
            assertThat(KlineInterval.parse(interval.wire())).contains(interval);
        }
        assertThat(KlineInterval.parse("1M")).isEmpty();
        assertThat(KlineInterval.parse("15")).isEmpty();
        assertThat(KlineInterval.parse("")).isEmpty();
        assertThat(KlineInterval.parse(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0} of {1} starts at {2}, next at {3}")
    @CsvSource({
            "1s,     2025-07-19T13:10:59.999Z, 2025-07-19T13:10:59Z, 2025-07-19T13:11:00Z",
            "1m,     2025-07-19T13:10:59Z,     2025-07-19T13:10:00Z, 2025-07-19T13:11:00Z",
            "3m,     2025-07-19T13:11:00Z,     2025-07-19T13:09:00Z, 2025-07-19T13:12:00Z",
            "15m,    2025-07-19T13:14:59Z,     2025-07-19T13:00:00Z, 2025-07-19T13:15:00Z",
            "4h,     2025-07-19T03:59:59Z,     2025-07-19T00:00:00Z, 2025-07-19T04:00:00Z",
            "12h,    2025-07-19T12:00:00Z,     2025-07-19T12:00:00Z, 2025-07-20T00:00:00Z",
            "1d,     2025-07-19T23:59:59Z,     2025-07-19T00:00:00Z, 2025-07-20T00:00:00Z",
            "3d,     1970-01-04T00:00:00Z,     1970-01-04T00:00:00Z, 1970-01-07T00:00:00Z",
            "3d,     1970-01-03T23:59:59Z,     1970-01-01T00:00:00Z, 1970-01-04T00:00:00Z",
            "1w,     2025-07-19T13:00:00Z,     2025-07-14T00:00:00Z, 2025-07-21T00:00:00Z",
            "1w,     2025-07-21T00:00:00Z,     2025-07-21T00:00:00Z, 2025-07-28T00:00:00Z",
            "1month, 2025-02-28T23:59:59Z,     2025-02-01T00:00:00Z, 2025-03-01T00:00:00Z",
            "1month, 2024-12-31T12:00:00Z,     2024-12-01T00:00:00Z, 2025-01-01T00:00:00Z"})
    void alignsCandlesInUtc(String wire, Instant time, Instant start, Instant next) {
        KlineInterval interval = KlineInterval.parse(wire).orElseThrow();
        assertThat(interval.bucketStart(time)).isEqualTo(start);
        assertThat(interval.plus(start, 1)).isEqualTo(next);
    }

    @Test
    void weeksStartOnMonday() {
        Instant start = KlineInterval.ONE_WEEK.bucketStart(Instant.parse("2026-11-26T16:00:00Z"));
        assertThat(start.atZone(java.time.ZoneOffset.UTC).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
    }

    @Test
    void ceilIsTheNextBoundaryUnlessOnOne() {
        assertThat(KlineInterval.ONE_HOUR.ceil(Instant.parse("2025-07-19T13:00:00Z")))
                .isEqualTo(Instant.parse("2025-07-19T13:00:00Z"));
        assertThat(KlineInterval.ONE_HOUR.ceil(Instant.parse("2025-07-19T13:00:01Z")))
                .isEqualTo(Instant.parse("2025-07-19T14:00:00Z"));
        assertThat(KlineInterval.ONE_MONTH.plus(Instant.parse("2025-01-01T00:00:00Z"), 13))
                .isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    }

    @Test
    void timesBeforeTheEpochRoundDown() {
        assertThat(KlineInterval.ONE_MINUTE.bucketStart(Instant.parse("1969-12-31T23:59:30Z")))
                .isEqualTo(Instant.parse("1969-12-31T23:59:00Z"));
    }
}
