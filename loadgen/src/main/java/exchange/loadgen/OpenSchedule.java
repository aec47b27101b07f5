package exchange.loadgen;

/**
 * The intended send times of the open loop: {@code rate} arrivals per second from {@code rampEnd} on, and before
 * it a rate rising linearly from a tenth of {@code rate} at {@code begin}. Times are {@link System#nanoTime}
 * values; the schedule never looks at the clock, so a late sender catches up instead of shifting the schedule.
 * Not thread-safe (one scheduler thread).
 */
final class OpenSchedule {

    private static final double START_FRACTION = 0.1;

    private final double rate;
    private final long begin;
    private final long rampEnd;
    private double next;

    OpenSchedule(double ratePerSecond, long beginNanos, long rampEndNanos) {
        if (ratePerSecond <= 0 || rampEndNanos < beginNanos) {
            throw new IllegalArgumentException("rate > 0 and ramp end >= begin");
        }
        this.rate = ratePerSecond;
        this.begin = beginNanos;
        this.rampEnd = rampEndNanos;
        this.next = beginNanos;
    }

    /** The current rate (arrivals per second) at {@code nanos}. */
    double rateAt(double nanos) {
        if (nanos >= rampEnd) {
            return rate;
        }
        double progress = (nanos - begin) / (double) (rampEnd - begin);
        return rate * (START_FRACTION + (1 - START_FRACTION) * progress);
    }

    long next() {
        long now = Math.round(next);
        next += 1e9 / rateAt(next);
        return now;
    }
}
