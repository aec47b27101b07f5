package exchange.stream.fanout;

/**
 * Reads the event time {@code "E"} (microseconds) out of a published envelope without parsing it, for the Redis lag
 * metric: a byte scan for the first {@code "E":} key, which in every Backpack payload belongs to {@code data}
 * ({@code stream} is a string and precedes it).
 */
final class EventTime {

    private static final byte[] KEY = {'"', 'E', '"', ':'};

    private EventTime() {
    }

    /** The microsecond value, or -1 when absent or not a number. */
    static long micros(byte[] envelope) {
        outer:
        for (int i = 0; i <= envelope.length - KEY.length; i++) {
            for (int k = 0; k < KEY.length; k++) {
                if (envelope[i + k] != KEY[k]) {
                    continue outer;
                }
            }
            int j = i + KEY.length;
            while (j < envelope.length && (envelope[j] == ' ' || envelope[j] == '"')) {
                j++;
            }
            long value = 0;
            int digits = 0;
            while (j < envelope.length && envelope[j] >= '0' && envelope[j] <= '9' && digits < 18) {
                value = value * 10 + (envelope[j] - '0');
                j++;
                digits++;
            }
            return digits == 0 ? -1 : value;
        }
        return -1;
    }
}
