package exchange.loadgen;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one measured window produced: per request kind the number sent and answered 200 and an HdrHistogram of
 * the acknowledgement latency (microseconds), orders accepted, outcomes other than 200 by
 * {@code step status code}, and per stream the WebSocket delivery latency (receipt minus the event's {@code E},
 * microseconds). Recording is wait-free and thread-safe; {@link #snapshot} may be taken at any time.
 */
final class Stats {

    /** Request kinds with their own latency histogram; a replace is timed from its cancel to its new order's ack. */
    enum Kind {
        LIMIT("limit"), LIMIT_CROSS("limit_cross"), MARKET("market"), CANCEL("cancel"), REPLACE("replace");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** The WebSocket streams measured. */
    enum Stream {
        DEPTH("depth"), TRADE("trade"), ORDER_UPDATE("orderUpdate");

        final String label;

        Stream(String label) {
            this.label = label;
        }
    }

    private static final int DIGITS = 3;

    private final Map<Kind, Recorder> latency = new EnumMap<>(Kind.class);
    private final Map<Kind, LongAdder> sent = new EnumMap<>(Kind.class);
    private final Map<Kind, LongAdder> ok = new EnumMap<>(Kind.class);
    private final Map<Stream, Recorder> delivery = new EnumMap<>(Stream.class);
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final LongAdder ordersAccepted = new LongAdder();
    private final LongAdder httpRequests = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    Stats() {
        for (Kind kind : Kind.values()) {
            latency.put(kind, new Recorder(DIGITS));
            sent.put(kind, new LongAdder());
            ok.put(kind, new LongAdder());
        }
        for (Stream stream : Stream.values()) {
            delivery.put(stream, new Recorder(DIGITS));
        }
    }

    /** One action finished: {@code latencyNanos} from its (intended) start to its last answer. */
    void action(Kind kind, long latencyNanos, boolean succeeded) {
        sent.get(kind).increment();
        if (succeeded) {
            ok.get(kind).increment();
        }
        latency.get(kind).recordValue(Math.max(0, latencyNanos / 1000));
    }

    /** One HTTP answer other than 200 (status 0: no answer), by the step that got it, e.g. {@code replace/cancel}. */
    void outcome(String step, int status, String code) {
        outcomes.computeIfAbsent(step + " " + status + " " + code, k -> new LongAdder()).increment();
    }

    void httpRequest() {
        httpRequests.increment();
    }

    void orderAccepted() {
        ordersAccepted.increment();
    }

    /** An open-loop arrival not sent because too many requests were unanswered. */
    void dropped() {
        dropped.increment();
    }

    void delivered(Stream stream, long latencyMicros) {
        // A negative value means the clocks disagree (or E is in the future): recorded as 0, never lost.
        delivery.get(stream).recordValue(Math.max(0, latencyMicros));
    }

    Snapshot snapshot() {
        Map<Kind, KindResult> kinds = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            kinds.put(kind, new KindResult(sent.get(kind).sum(), ok.get(kind).sum(),
                    latency.get(kind).getIntervalHistogram()));
        }
        Map<Stream, Histogram> streams = new EnumMap<>(Stream.class);
        for (Stream stream : Stream.values()) {
            streams.put(stream, delivery.get(stream).getIntervalHistogram());
        }
        Map<String, Long> errors = new TreeMap<>();
        outcomes.forEach((key, count) -> errors.put(key, count.sum()));
        return new Snapshot(kinds, streams, errors, ordersAccepted.sum(), httpRequests.sum(), dropped.sum());
    }

    record KindResult(long sent, long ok, Histogram latencyMicros) {
    }

    /**
     * Everything recorded, frozen. Note that each {@link Recorder} hands out what it recorded since the last
     * snapshot, so a {@code Stats} is meant to be snapshotted once, at the end of its window.
     */
    record Snapshot(Map<Kind, KindResult> kinds, Map<Stream, Histogram> delivery, Map<String, Long> errors,
            long ordersAccepted, long httpRequests, long dropped) {

        /** All streams in one histogram. */
        Histogram allDelivery() {
            Histogram all = new Histogram(DIGITS);
            delivery.values().forEach(all::add);
            return all;
        }

        long actions() {
            return kinds.values().stream().mapToLong(KindResult::sent).sum();
        }
    }
}
