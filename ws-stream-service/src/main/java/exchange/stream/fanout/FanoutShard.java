package exchange.stream.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import exchange.stream.connection.FrameCache;
import exchange.stream.connection.Outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.TextMessage;

/**
 * One fan-out thread and the share of connections it writes to. Writing one message to 2,000 sockets is
 * thousands of system calls; split over one thread per CPU it takes a fraction of the time, and Lettuce's I/O
 * thread only hands each message over. The shard's thread writes the frames to the sockets itself,
 * without blocking (framed once for all connections that get the same messages, {@link FrameCache}); a
 * connection whose socket does not take them all at once gets a writer thread for the rest. A connection belongs
 * to one shard, so its messages stay in order.
 *
 * <p>Connections subscribed to the same streams form a {@link Cohort} with one shared log of the messages that
 * arrived for it. A message is appended once per cohort, not once per connection; each connection keeps a cursor
 * in its cohort's log and is handed everything after its cursor in one step when its turn comes
 * ({@link Outbox#offerDeferred(List)}), so the per-message cost no longer grows with the number of connections,
 * only the per-write cost does. The log keeps what some connection of the cohort has not been handed yet.
 *
 * <p>Subscription changes ({@link #add}, {@link #remove}) reach the thread through a queue of their own and are
 * applied before the next messages are handed out: the thread alone touches cohorts, cursors and the line.
 *
 * <p>Bound: at most {@code capacity} messages wait; when full, {@link #submit} blocks the Redis listener until
 * there is room (back-pressure to Redis, see {@code exchange.stream.fanout-queue}).
 */
final class FanoutShard {

    private record Delivery(String key, TextMessage message) {
    }

    /** A subscription change, applied by the shard's thread in the order the changes were made. */
    private record Change(String key, Outbox outbox, boolean add) {
    }

    /**
     * Connections of the cohort that joined the line when the same message arrived: they wait for the messages from
     * {@code position} on. The log keeps those messages while {@code waiting} is above zero.
     */
    private static final class Generation {
        final long position;
        int waiting;

        Generation(long position, int waiting) {
            this.position = position;
            this.waiting = waiting;
        }
    }

    /**
     * The connections of this shard subscribed to exactly {@code keys}, and the messages of those streams that not
     * all of them have been handed yet. Positions in the log are absolute (the first message ever appended is 0),
     * so cursors survive trimming.
     */
    private static final class Cohort {
        /** A log that grew past this many messages is not kept once it is empty again. */
        private static final int SPARE_CAPACITY = 4096;

        final Set<String> keys;
        /** Members that have been handed everything in the log: the next message puts them in line. */
        final List<Member> idle = new ArrayList<>();
        final ArrayDeque<Generation> generations = new ArrayDeque<>();
        ArrayList<TextMessage> log = new ArrayList<>();
        /** The absolute position of {@code log.get(0)}. */
        long base;
        int members;
        int peak;

        Cohort(Set<String> keys) {
            this.keys = keys;
        }

        long end() {
            return base + log.size();
        }

        /** Appends {@code message}; the idle members join the end of {@code line}, waiting from it on. */
        void append(TextMessage message, ArrayDeque<Member> line) {
            if (!idle.isEmpty()) {
                Generation generation = new Generation(end(), idle.size());
                generations.addLast(generation);
                for (Member member : idle) {
                    member.generation = generation;
                    member.cursor = generation.position;
                    if (!member.inLine) {
                        member.inLine = true;
                        line.addLast(member);
                    }
                }
                idle.clear();
            }
            if (!generations.isEmpty()) {
                log.add(message);
                peak = Math.max(peak, log.size());
            }
        }

        /** The messages after {@code cursor}: a view, valid until the next {@link #release} or append. */
        List<TextMessage> since(long cursor) {
            return log.subList((int) (cursor - base), log.size());
        }

        /** One member of {@code generation} no longer waits; lets go of the messages nobody waits for. */
        void release(Generation generation) {
            generation.waiting--;
            while (!generations.isEmpty() && generations.peekFirst().waiting == 0) {
                generations.pollFirst();
            }
            if (generations.isEmpty()) {
                base = end();
                if (peak > SPARE_CAPACITY) {
                    log = new ArrayList<>();
                } else {
                    log.clear();
                }
                peak = 0;
                return;
            }
            int unused = (int) (generations.peekFirst().position - base);
            // Trimmed once the unused head is at least half the log, so each message is moved at most once.
            if (unused > 0 && unused * 2 >= log.size()) {
                log.subList(0, unused).clear();
                base += unused;
            }
        }
    }

    /** A connection of this shard: its streams, its cohort and how far it has been handed the cohort's log. */
    private static final class Member {
        final Outbox outbox;
        Set<String> keys = Set.of();
        Cohort cohort;
        long cursor;
        /** Set while the cohort's log holds messages for it (it is then in line); null when it is idle. */
        Generation generation;
        /** In the line; it may have nothing left (moved to another cohort meanwhile), and is then skipped. */
        boolean inLine;

        Member(Outbox outbox) {
            this.outbox = outbox;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(FanoutShard.class);
    /**
     * Messages taken in during one pass over the connections waiting to be written. A connection's messages wait for
     * its turn, up to two passes' worth, so twice this must stay well inside the outbound buffer
     * ({@code outbound-buffer-messages}, 2048 by default), or a client that reads at once could still overflow
     * it. A backlog this large is also when connections stop waiting for their window: the thread is behind.
     */
    private static final int MAX_PASS = 256;
    /**
     * Connections written between two looks at the queue: few enough that a message waits at most this many writes
     * (well under a millisecond) before it is handed over, enough that looking costs little per write.
     */
    private static final int CHUNK = 64;
    /** How long the idle thread waits for a message before it applies the subscription changes made meanwhile. */
    private static final long IDLE_CHANGES_MILLIS = 1000;

    /** The streams this shard has subscribers for, read by {@link #submit} on the Redis listener's thread. */
    private final Map<String, Set<Outbox>> topics = new ConcurrentHashMap<>();
    private final Queue<Change> changes = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Delivery> queue;
    private final long windowNanos;
    /** Queued messages from which the thread is behind; below {@link #MAX_PASS} if the queue is smaller. */
    private final int behindAt;
    private final Thread thread;
    /** See {@link #distributed()}; written by the thread alone. */
    private volatile long distributed;

    // The thread's own state.
    private final Map<Outbox, Member> members = new HashMap<>();
    private final Map<Set<String>, Cohort> cohorts = new HashMap<>();
    private final Map<String, List<Cohort>> cohortsByKey = new HashMap<>();

    FanoutShard(int index, int capacity, long windowNanos) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.windowNanos = windowNanos;
        this.behindAt = Math.min(MAX_PASS, capacity);
        this.thread = Thread.ofPlatform().name("fanout-" + index).daemon().start(this::run);
    }

    /** Called under the fan-out's subscription lock. */
    void add(String key, Outbox outbox) {
        if (topics.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(outbox)) {
            changes.add(new Change(key, outbox, true));
        }
    }

    /** Called under the fan-out's subscription lock. */
    void remove(String key, Outbox outbox) {
        Set<Outbox> subscribers = topics.get(key);
        if (subscribers != null && subscribers.remove(outbox)) {
            if (subscribers.isEmpty()) {
                topics.remove(key);
            }
            changes.add(new Change(key, outbox, false));
        }
    }

    /** Queues {@code message} for this shard's subscribers of {@code key}, if it has any. */
    void submit(String key, TextMessage message) {
        if (!topics.containsKey(key)) {
            return;
        }
        try {
            queue.put(new Delivery(key, message));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int queued() {
        return queue.size();
    }

    /**
     * Messages this shard's thread has taken in so far, each appended to the logs of the cohorts subscribed to its
     * stream, if any (tests, diagnostics).
     */
    long distributed() {
        return distributed;
    }

    void stop() {
        thread.interrupt();
    }

    /**
     * Appends each message to its cohorts' logs as soon as it arrives (up to {@link #MAX_PASS} a pass), and writes
     * the connections that have something waiting in the order they got it, {@link #CHUNK} at a time, looking at
     * the queue again between chunks. A connection is written again at the earliest a window after its last write
     * (unless the thread is behind), so under a steady flow it gets one socket write per window carrying the
     * window's messages instead of one per message; after a quiet spell a message goes out at once. When the
     * writes of all the connections take longer than a window, each connection is written once per pass over the
     * line, with what arrived since its last write, so a message waits for its connection's turn rather than for
     * every connection to be written first. Connections of a cohort that joined the line together and are written
     * in the same chunk get the same messages, so their frames are made once ({@link FrameCache}).
     *
     * <p>A pass ends when the connection that was last in line when it began has been written; at most
     * {@link #MAX_PASS} messages are taken in during one pass, so a connection gets at most two passes' worth while
     * it waits for its turn, and a message waits at most about two passes (plus a window, while the head of the
     * line waits for its own). When the thread stops or fails, every connection still in line is handed what it
     * has and gets a writer task: one whose writer never started would stay silent until its buffer overflowed.
     */
    private void run() {
        ArrayDeque<Member> line = new ArrayDeque<>();
        List<Delivery> arrived = new ArrayList<>();
        FrameCache frames = new FrameCache();
        int taken = 0;
        Member lastOfPass = null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (line.isEmpty()) {
                    taken = 0;
                    lastOfPass = null;
                    if (arrived.isEmpty()) {
                        // Idle: let go of the frames, and so of the messages, before waiting.
                        frames.clear();
                        applyChanges(line);
                        // Not waiting for ever: the changes made meanwhile (closed connections) are applied
                        // within this time, so that what they hold is let go of on a quiet stream too.
                        Delivery next = queue.poll(IDLE_CHANGES_MILLIS, TimeUnit.MILLISECONDS);
                        if (next == null) {
                            continue;
                        }
                        arrived.add(next);
                    }
                }
                queue.drainTo(arrived, Math.max(0, MAX_PASS - taken - arrived.size()));
                taken += arrived.size();
                applyChanges(line);
                distribute(arrived, line);
                if (lastOfPass == null) {
                    lastOfPass = line.peekLast();
                }
                long wait = 0;
                boolean behind = queue.size() >= behindAt;
                for (int written = 0; written < CHUNK && !line.isEmpty(); ) {
                    Member member = line.peekFirst();
                    if (member.generation != null) {
                        long now = System.nanoTime();
                        long early = member.outbox.pacedUntil() - now;
                        if (early > 0 && !behind) {
                            wait = written == 0 ? early : 0;
                            break;
                        }
                        member.outbox.paceUntil(now + windowNanos);
                        written++;
                    }
                    line.pollFirst();
                    member.inLine = false;
                    if (member == lastOfPass) {
                        taken = 0;
                        lastOfPass = line.peekLast();
                    }
                    if (member.generation != null && hand(member)) {
                        write(member.outbox, frames);
                    }
                }
                if (wait > 0) {
                    if (taken < MAX_PASS) {
                        Delivery next = queue.poll(wait, TimeUnit.NANOSECONDS);
                        if (next != null) {
                            arrived.add(next);
                        }
                    } else {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Member member : line) {
                try {
                    if (member.generation != null && hand(member)) {
                        member.outbox.startWriter();
                    }
                } catch (RuntimeException e) {
                    log.error("Starting a writer failed", e);
                }
            }
        }
    }

    /**
     * Hands {@code member} the messages its cohort's log holds for it, which makes it idle; returns true if its
     * writer is due (see {@link Outbox#offerDeferred(List)}).
     */
    private static boolean hand(Member member) {
        Cohort cohort = member.cohort;
        Generation generation = member.generation;
        member.generation = null;
        try {
            return member.outbox.offerDeferred(cohort.since(member.cursor));
        } catch (RuntimeException e) {
            // The outbox closes itself before it calls back (a slow consumer's close, say), so it takes nothing
            // more; the shard's thread must go on for the other connections.
            log.error("Handing messages to a connection failed", e);
            return false;
        } finally {
            cohort.release(generation);
            cohort.idle.add(member);
        }
    }

    private static void write(Outbox outbox, FrameCache frames) {
        try {
            outbox.writeNow(frames);
        } catch (Throwable e) {
            log.error("Writing to a connection failed", e);
        }
    }

    /** Appends each message to the logs of the cohorts subscribed to its stream. */
    private void distribute(List<Delivery> arrived, ArrayDeque<Member> line) {
        if (arrived.isEmpty()) {
            return;
        }
        for (Delivery delivery : arrived) {
            List<Cohort> subscribed = cohortsByKey.get(delivery.key());
            if (subscribed == null) {
                continue;
            }
            for (int i = 0, n = subscribed.size(); i < n; i++) {
                subscribed.get(i).append(delivery.message(), line);
            }
        }
        distributed += arrived.size();
        arrived.clear();
    }

    /** Applies the subscription changes made since the last call, in order. */
    private void applyChanges(ArrayDeque<Member> line) {
        for (Change change = changes.poll(); change != null; change = changes.poll()) {
            try {
                apply(change);
            } catch (RuntimeException e) {
                log.error("Applying a subscription change to {} failed", change.key(), e);
            }
        }
    }

    private void apply(Change change) {
        Member member = members.get(change.outbox());
        if (member == null) {
            if (!change.add()) {
                return;
            }
            member = new Member(change.outbox());
            members.put(change.outbox(), member);
        }
        Set<String> keys = new HashSet<>(member.keys);
        if (change.add() ? !keys.add(change.key()) : !keys.remove(change.key())) {
            return;
        }
        leaveCohort(member);
        if (keys.isEmpty()) {
            members.remove(change.outbox());
            member.keys = Set.of();
            return;
        }
        member.keys = Set.copyOf(keys);
        Cohort cohort = cohorts.computeIfAbsent(member.keys, this::newCohort);
        cohort.members++;
        cohort.idle.add(member);
        member.cohort = cohort;
        member.cursor = cohort.end();
    }

    /**
     * Takes {@code member} out of its cohort. What the cohort's log still holds for it is handed to its outbox
     * first (with a writer task if that made one due), so nothing it was sent is lost or reordered by the move;
     * if it is in line it stays there, with nothing left, and is skipped.
     */
    private void leaveCohort(Member member) {
        Cohort cohort = member.cohort;
        if (cohort == null) {
            return;
        }
        if (member.generation != null && hand(member)) {
            try {
                member.outbox.startWriter();
            } catch (RuntimeException e) {
                log.error("Starting a writer failed", e);
            }
        }
        cohort.idle.remove(member);
        member.cohort = null;
        if (--cohort.members == 0) {
            cohorts.remove(cohort.keys);
            for (String key : cohort.keys) {
                List<Cohort> subscribed = cohortsByKey.get(key);
                subscribed.remove(cohort);
                if (subscribed.isEmpty()) {
                    cohortsByKey.remove(key);
                }
            }
        }
    }

    private Cohort newCohort(Set<String> keys) {
        Cohort cohort = new Cohort(keys);
        for (String key : keys) {
            cohortsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(cohort);
        }
        return cohort;
    }
}
