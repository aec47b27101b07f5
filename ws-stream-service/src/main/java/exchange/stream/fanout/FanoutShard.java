package exchange.stream.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import exchange.stream.connection.FrameCache;
import exchange.stream.connection.Outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.TextMessage;

/**
 * One fan-out thread and the share of connections it writes to. Writing one message to 2,000 sockets is
 * thousands of system calls; split over one thread per CPU it takes a fraction of the time, and Lettuce's I/O
 * thread only hands each message over. The shard's thread writes each round's frames to the sockets itself,
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
     * A connection's messages of a round wait until the round's end before its writer starts, so a round must
     * stay well inside the outbound buffer ({@code outbound-buffer-messages}, 2048 by default), or a client that
     * reads at once could still overflow it.
     */
    private static final int MAX_ROUND = 256;

    private final Map<String, Set<Outbox>> topics = new ConcurrentHashMap<>();
    private final BlockingQueue<Delivery> queue;
    private final long windowNanos;
    private final Thread thread;

    FanoutShard(int index, int capacity, long windowNanos) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.windowNanos = windowNanos;
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
     * Takes what has queued up (up to {@link #MAX_ROUND} messages) as one round: each subscriber gets all of its
     * messages of the round, and its writer is started once, after them. Rounds start at least a window apart, so
     * under a steady flow a connection gets one socket write per window instead of one per message or two
     * (system calls and the loopback's TCP work were most of the cost per message). A message arriving after
     * a quiet spell, or a full round, does not wait.
     */
    private void run() {
        List<Delivery> round = new ArrayList<>();
        List<Outbox> due = new ArrayList<>();
        FrameCache frames = new FrameCache();
        long nextRound = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                round.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            for (long wait = nextRound - System.nanoTime(); wait > 0; wait = nextRound - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
            long started = System.nanoTime();
            queue.drainTo(round, MAX_ROUND - 1);
            nextRound = round.size() == MAX_ROUND ? started : started + windowNanos;
            try {
                for (Delivery delivery : round) {
                    Set<Outbox> subscribers = topics.get(delivery.key());
                    if (subscribers == null) {
                        continue;
                    }
                    for (Outbox outbox : subscribers) {
                        try {
                            if (outbox.offerDeferred(delivery.message())) {
                                due.add(outbox);
                            }
                        } catch (RuntimeException e) {
                            log.error("Delivery on {} failed", delivery.key(), e);
                        }
                    }
                }
            } finally {
                // Every writer made due must be started, whatever happened: a due writer that never starts
                // leaves its connection silent until its buffer overflows. Written from here where the socket
                // takes it at once, which is nearly always: a thread per connection and round cost more than the
                // write itself.
                for (Outbox outbox : due) {
                    try {
                        outbox.writeNow(frames);
                    } catch (Throwable e) {
                        log.error("Writing a round failed", e);
                    }
                }
                due.clear();
                round.clear();
                frames.clear();
            }
        }
    }
}
