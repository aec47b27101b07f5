package exchange.stream.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Bound: at most {@code capacity} messages wait; when full, {@link #submit} blocks the Redis listener until
 * there is room (back-pressure to Redis, see {@code exchange.stream.fanout-queue}).
 */
final class FanoutShard {

    private record Delivery(String key, TextMessage message) {
    }

    private static final Logger log = LoggerFactory.getLogger(FanoutShard.class);
    /**
     * Messages handed to the connections during one pass over those waiting to be written. A connection's
     * messages wait for its turn, up to two passes' worth, so twice this must stay well inside the outbound buffer
     * ({@code outbound-buffer-messages}, 2048 by default), or a client that reads at once could still overflow
     * it. A backlog this large is also when connections stop waiting for their window: the thread is behind.
     */
    private static final int MAX_PASS = 256;
    /**
     * Connections written between two looks at the queue: few enough that a message waits at most this many writes
     * (well under a millisecond) before it is handed over, enough that looking costs little per write.
     */
    private static final int CHUNK = 64;

    private final Map<String, Set<Outbox>> topics = new ConcurrentHashMap<>();
    private final BlockingQueue<Delivery> queue;
    private final long windowNanos;
    /** Queued messages from which the thread is behind; below {@link #MAX_PASS} if the queue is smaller. */
    private final int behindAt;
    private final Thread thread;

    FanoutShard(int index, int capacity, long windowNanos) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.windowNanos = windowNanos;
        this.behindAt = Math.min(MAX_PASS, capacity);
        this.thread = Thread.ofPlatform().name("fanout-" + index).daemon().start(this::run);
    }

    /** Called under the fan-out's subscription lock. */
    void add(String key, Outbox outbox) {
        topics.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(outbox);
    }

    /** Called under the fan-out's subscription lock. */
    void remove(String key, Outbox outbox) {
        Set<Outbox> subscribers = topics.get(key);
        if (subscribers != null && subscribers.remove(outbox) && subscribers.isEmpty()) {
            topics.remove(key);
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

    void stop() {
        thread.interrupt();
    }

    /**
     * Hands each message to its subscribers' queues as soon as it arrives (up to {@link #MAX_PASS} a pass), and
     * writes the connections that have something queued in the order they got it, {@link #CHUNK} at a time,
     * looking at the queue again between chunks. A connection is written again at the earliest a window after its
     * last write (unless the thread is behind), so under a steady flow it gets one socket write per window carrying
     * the window's messages instead of one per message; after a quiet spell a message goes out at once. When the
     * writes of all the connections take longer than a window, each connection is written once per pass over the
     * line, with what arrived since its last write, so a message waits for its connection's turn rather than for
     * every connection to be written first. Connections that joined the line together and are written in the same
     * chunk get the same messages, so their frames are made once ({@link FrameCache}).
     *
     * <p>A pass ends when the connection that was last in line when it began has been written; at most
     * {@link #MAX_PASS} messages are taken in during one pass, so a connection gets at most two passes' worth while
     * it waits for its turn, and a message waits at most about two passes (plus a window, while the head of the
     * line waits for its own). When the thread stops or fails, every connection still in line gets a writer task:
     * one whose writer never started would stay silent until its buffer overflowed.
     */
    private void run() {
        ArrayDeque<Outbox> due = new ArrayDeque<>();
        List<Delivery> arrived = new ArrayList<>();
        FrameCache frames = new FrameCache();
        int taken = 0;
        Outbox lastOfPass = null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (due.isEmpty()) {
                    taken = 0;
                    lastOfPass = null;
                    if (arrived.isEmpty()) {
                        // Idle: let go of the frames, and so of the messages, before waiting.
                        frames.clear();
                        arrived.add(queue.take());
                    }
                }
                queue.drainTo(arrived, Math.max(0, MAX_PASS - taken - arrived.size()));
                taken += arrived.size();
                distribute(arrived, due);
                if (lastOfPass == null) {
                    lastOfPass = due.peekLast();
                }
                long wait = 0;
                boolean behind = queue.size() >= behindAt;
                for (int written = 0; written < CHUNK && !due.isEmpty(); written++) {
                    Outbox outbox = due.peekFirst();
                    long now = System.nanoTime();
                    long early = outbox.pacedUntil() - now;
                    if (early > 0 && !behind) {
                        wait = written == 0 ? early : 0;
                        break;
                    }
                    due.pollFirst();
                    if (outbox == lastOfPass) {
                        taken = 0;
                        lastOfPass = due.peekLast();
                    }
                    outbox.paceUntil(now + windowNanos);
                    write(outbox, frames);
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
            for (Outbox outbox : due) {
                try {
                    outbox.startWriter();
                } catch (RuntimeException e) {
                    log.error("Starting a writer failed", e);
                }
            }
        }
    }

    private static void write(Outbox outbox, FrameCache frames) {
        try {
            outbox.writeNow(frames);
        } catch (Throwable e) {
            log.error("Writing to a connection failed", e);
        }
    }

    /** Queues each message for its subscribers; those it made due join the end of the line. */
    private void distribute(List<Delivery> arrived, ArrayDeque<Outbox> due) {
        for (Delivery delivery : arrived) {
            Set<Outbox> subscribers = topics.get(delivery.key());
            if (subscribers == null) {
                continue;
            }
            for (Outbox outbox : subscribers) {
                try {
                    if (outbox.offerDeferred(delivery.message())) {
                        due.addLast(outbox);
                    }
                } catch (RuntimeException e) {
                    log.error("Delivery on {} failed", delivery.key(), e);
                }
            }
        }
        arrived.clear();
    }
}
