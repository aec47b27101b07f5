package exchange.loadgen;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A client's copy of one market's book, kept the way Backpack documents it: buffer the {@code depth} deltas,
 * load a REST snapshot, drop deltas it already contains ({@code u <= lastUpdateId}), then apply each delta whose
 * {@code U} is the previous {@code u + 1}. A delta that starts later is a gap: the book is out of sync, counts
 * the gap, keeps buffering and waits for a new snapshot. Prices and quantities are exact decimals; a quantity of
 * zero removes the level. Thread-safe (one lock).
 */
final class LocalBook {

    record Level(BigDecimal price, BigDecimal quantity) {

        static Level of(String price, String quantity) {
            return new Level(new BigDecimal(price), new BigDecimal(quantity));
        }
    }

    /** A {@code depth} stream message: levels with their new absolute quantity. */
    record Delta(long firstUpdateId, long lastUpdateId, List<Level> asks, List<Level> bids) {
    }

    /** What {@link #onDelta} did with a delta. */
    enum Outcome { APPLIED, STALE, BUFFERED, GAP }

    /** At most this many deltas wait for a snapshot; beyond it the oldest go, which shows as a gap later. */
    static final int MAX_BUFFERED = 100_000;

    private final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    private final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
    private final ArrayDeque<Delta> buffer = new ArrayDeque<>();
    private boolean synced;
    private long lastUpdateId = -1;
    private int gaps;
    private int snapshots;
    private long applied;

    synchronized Outcome onDelta(Delta delta) {
        if (!synced) {
            if (buffer.size() >= MAX_BUFFERED) {
                buffer.pollFirst();
            }
            buffer.addLast(delta);
            return Outcome.BUFFERED;
        }
        return apply(delta);
    }

    /** Loads a snapshot and replays what was buffered on top of it. */
    synchronized void onSnapshot(long snapshotUpdateId, List<Level> snapshotAsks, List<Level> snapshotBids) {
        asks.clear();
        bids.clear();
        snapshotAsks.forEach(level -> set(asks, level));
        snapshotBids.forEach(level -> set(bids, level));
        lastUpdateId = snapshotUpdateId;
        synced = true;
        snapshots++;
        while (!buffer.isEmpty() && synced) {
            Delta next = buffer.pollFirst();
            if (apply(next) == Outcome.GAP) {
                // apply() put it back at the head of the buffer: a newer snapshot is needed.
                break;
            }
        }
    }

    private Outcome apply(Delta delta) {
        if (delta.lastUpdateId() <= lastUpdateId) {
            return Outcome.STALE;
        }
        if (delta.firstUpdateId() > lastUpdateId + 1) {
            gaps++;
            synced = false;
            buffer.addFirst(delta);
            return Outcome.GAP;
        }
        delta.asks().forEach(level -> set(asks, level));
        delta.bids().forEach(level -> set(bids, level));
        lastUpdateId = delta.lastUpdateId();
        applied++;
        return Outcome.APPLIED;
    }

    private static void set(TreeMap<BigDecimal, BigDecimal> side, Level level) {
        BigDecimal price = level.price().stripTrailingZeros();
        if (level.quantity().signum() == 0) {
            side.remove(price);
        } else {
            side.put(price, level.quantity().stripTrailingZeros());
        }
    }

    synchronized boolean synced() {
        return synced;
    }

    synchronized long lastUpdateId() {
        return lastUpdateId;
    }

    synchronized int gaps() {
        return gaps;
    }

    synchronized int snapshots() {
        return snapshots;
    }

    synchronized long applied() {
        return applied;
    }

    synchronized int buffered() {
        return buffer.size();
    }

    /** Best ask first. */
    synchronized NavigableMap<BigDecimal, BigDecimal> asks() {
        return new TreeMap<>(asks);
    }

    /** Best bid first. */
    synchronized NavigableMap<BigDecimal, BigDecimal> bids() {
        TreeMap<BigDecimal, BigDecimal> copy = new TreeMap<>(Collections.reverseOrder());
        copy.putAll(bids);
        return copy;
    }

    /**
     * How this book differs from a REST snapshot, comparing the {@code limit} levels nearest the touch on each
     * side (the REST depth is cut there); empty if it is the same book at the same update id.
     */
    synchronized List<String> differences(long restUpdateId, List<Level> restAsks, List<Level> restBids, int limit) {
        List<String> out = new ArrayList<>();
        if (!synced) {
            out.add("not in sync (waiting for a snapshot after " + gaps + " gap(s))");
        }
        if (restUpdateId != lastUpdateId) {
            out.add("at update " + lastUpdateId + ", REST at " + restUpdateId);
        }
        TreeMap<BigDecimal, BigDecimal> expectedAsks = new TreeMap<>();
        restAsks.forEach(level -> set(expectedAsks, level));
        TreeMap<BigDecimal, BigDecimal> expectedBids = new TreeMap<>(Collections.reverseOrder());
        restBids.forEach(level -> set(expectedBids, level));
        compare("ask", asks, expectedAsks, limit, out);
        compare("bid", bids, expectedBids, limit, out);
        return out;
    }

    private static void compare(String side, TreeMap<BigDecimal, BigDecimal> mine,
            TreeMap<BigDecimal, BigDecimal> expected, int limit, List<String> out) {
        Iterator<Map.Entry<BigDecimal, BigDecimal>> a = mine.entrySet().iterator();
        Iterator<Map.Entry<BigDecimal, BigDecimal>> b = expected.entrySet().iterator();
        for (int i = 0; i < limit && (a.hasNext() || b.hasNext()); i++) {
            Map.Entry<BigDecimal, BigDecimal> x = a.hasNext() ? a.next() : null;
            Map.Entry<BigDecimal, BigDecimal> y = b.hasNext() ? b.next() : null;
            if (x == null || y == null || x.getKey().compareTo(y.getKey()) != 0
                    || x.getValue().compareTo(y.getValue()) != 0) {
                out.add(side + " level " + (i + 1) + ": local " + describe(x) + ", REST " + describe(y));
                if (out.size() >= 10) {
                    return;
                }
            }
        }
    }

    private static String describe(Map.Entry<BigDecimal, BigDecimal> level) {
        return level == null ? "none" : level.getKey().toPlainString() + " x " + level.getValue().toPlainString();
    }

    @Override
    public synchronized String toString() {
        return "LocalBook[update " + lastUpdateId + ", " + bids.size() + " bids, " + asks.size() + " asks, synced "
                + synced + ", gaps " + gaps + "]";
    }
}
