package exchange.router.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import exchange.router.system.ApiException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Order entry's side of the pipeline: appends a command to the Redis command stream and waits, bounded, for
 * the leader's reply on this replica's own reply channel. Thread-safe.
 *
 * <p>Outcomes: the leader's reply (committed); 503 {@code TIMEOUT} when no reply comes in time (the command
 * may still be applied later: the client retries with the same clientId and gets the original order); 503 at
 * once when no replica holds the engine lease, when Redis is unreachable, or when too many requests wait.
 */
@Component
public class CommandBus implements MessageListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CommandBus.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final EngineProperties properties;
    private final LeaderLease lease;
    private final String replyChannel;
    /** How often waits past their deadline are ended. */
    static final long EXPIRY_TICK_MILLIS = 20;
    /** Most commands the appender groups into one entry (a single larger request still goes whole). */
    static final int MAX_ENTRY_COMMANDS = 100;
    /** Requests waiting for the appender; bounded like the requests waiting for replies. */
    private final BlockingQueue<Append> appending;
    private final Thread appender;
    private volatile boolean closed;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();
    private final AtomicLong leaseCheckedAt = new AtomicLong();
    private volatile boolean leaseKnown;
    private volatile boolean leaseHeld;

    CommandBus(StringRedisTemplate redis, RedisMessageListenerContainer listeners, ObjectMapper json,
            EngineProperties properties, LeaderLease lease) {
        this.redis = redis;
        this.json = json;
        this.properties = properties;
        this.lease = lease;
        this.replyChannel = "exchange:replies:" + lease.holder();
        listeners.addMessageListener(this, new ChannelTopic(replyChannel));
        Thread.ofVirtual().name("reply-listener-start").start(() -> startListening(listeners));
        this.appending = new LinkedBlockingQueue<>(properties.maxPending());
        this.appender = Thread.ofPlatform().name("command-appender").daemon(true).start(this::appendLoop);
        Thread.ofPlatform().name("reply-deadlines").daemon(true).start(this::expireLoop);
    }

    /** Starts the reply subscription, retrying while Redis is unreachable; the container then reconnects itself. */
    private static void startListening(RedisMessageListenerContainer listeners) {
        while (!listeners.isRunning()) {
            try {
                listeners.start();
            } catch (RuntimeException e) {
                log.warn("Reply channel not subscribed yet ({}); retrying", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Appends {@code command} and waits for the engine's committed answer. */
    public EngineReply submit(StreamCommand command) {
        return submitAll(List.of(command)).getFirst();
    }

    /**
     * Appends the commands in order, as one stream entry (so they are applied together or not at all, in that
     * order), and waits for all answers; the wait is bounded by one ack timeout for the whole request.
     */
    public List<EngineReply> submitAll(List<StreamCommand> commands) {
        requireLeader();
        if (pending.size() + commands.size() > properties.maxPending()) {
            throw unavailable("TOO_MANY_REQUESTS", "Too many requests in flight on this replica; retry shortly");
        }
        long deadline = System.nanoTime() + properties.ackTimeout().toNanos();
        List<String> ids = new ArrayList<>(commands.size());
        List<CompletableFuture<EngineReply>> replies = new ArrayList<>(commands.size());
        try {
            List<String> payloads = new ArrayList<>(commands.size());
            for (StreamCommand command : commands) {
                String requestId = Long.toString(requests.incrementAndGet(), 36);
                CompletableFuture<EngineReply> reply = new CompletableFuture<>();
                pending.put(requestId, new Waiting(reply, deadline));
                ids.add(requestId);
                replies.add(reply);
                payloads.add(json.writeValueAsString(command.addressed(requestId, replyChannel)));
            }
            Append append = new Append(payloads, deadline, new CompletableFuture<>());
            if (closed) {
                throw unavailable("SERVER_ERROR", "This replica is shutting down; retry shortly");
            }
            if (!appending.offer(append)) {
                throw unavailable("TOO_MANY_REQUESTS", "Too many requests in flight on this replica; retry shortly");
            }
            // A failed or dropped append fails the replies, so the wait below is the only one.
            append.done().whenComplete((appended, failure) -> {
                if (failure != null) {
                    replies.forEach(reply -> reply.completeExceptionally(failure));
                }
            });
            // Untimed waits: reply-deadlines ends them at the deadline. A timed wait per request cost the router
            // ~10 % of its CPU in the virtual-thread scheduler's timer (async-profiler, loadgen --mode max).
            List<EngineReply> answers = new ArrayList<>(replies.size());
            for (CompletableFuture<EngineReply> reply : replies) {
                answers.add(reply.get());
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw mayOrMayNot("Interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw unavailable("TIMEOUT", "The engine did not confirm within " + properties.ackTimeout().toMillis()
                        + " ms; the command may still be applied: retry with the same clientId or query the order");
            }
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            log.warn("Cannot append to the command stream: {}", e.getCause().toString());
            // An append that failed on the way back may have reached Redis: say "may still be applied".
            throw mayOrMayNot("Command stream unavailable");
        } finally {
            ids.forEach(pending::remove);
        }
    }

    /** A reply being waited for, until {@code deadline} ({@link System#nanoTime}). */
    private record Waiting(CompletableFuture<EngineReply> reply, long deadline) {
    }

    /**
     * Ends the waits that passed their deadline, every {@value #EXPIRY_TICK_MILLIS} ms: a request waits at most
     * that much longer than the ack timeout. One thread scanning at most {@code max-pending} entries replaces a
     * timer per request. It outlives {@link #destroy()} until the last wait has ended.
     */
    private void expireLoop() {
        TimeoutException timeout = new TimeoutException("no reply within the ack timeout");
        while (!closed || !pending.isEmpty()) {
            try {
                Thread.sleep(EXPIRY_TICK_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
            try {
                long now = System.nanoTime();
                for (Waiting waiting : pending.values()) {
                    if (now - waiting.deadline() > 0) {
                        waiting.reply().completeExceptionally(timeout);
                    }
                }
            } catch (Throwable e) {
                // Nothing else ends the waits: this thread must outlive anything one sweep runs into.
                log.error("Reply deadline sweep failed", e);
            }
        }
    }

    private static ApiException mayOrMayNot(String what) {
        return unavailable("TIMEOUT", what + "; the command may or may not have been appended: retry with the same "
                + "clientId or query the order");
    }

    /**
     * One request's commands waiting to be appended, in order; {@code done} when they are. Past its
     * {@code deadline} (the request has been answered TIMEOUT) it is dropped instead of appended.
     */
    private record Append(List<String> payloads, long deadline, CompletableFuture<Void> done) {
    }

    /**
     * The appender thread: appends what is queued as one stream entry, whole requests up to
     * {@link #MAX_ENTRY_COMMANDS} commands (a larger request goes alone, whole). An idle appender sends a lone
     * request at once; under load, what queues while one append is on its way goes out together in the next, so
     * Redis, this replica's Redis connection and the engine's reads handle one entry per group instead of one per
     * command.
     */
    private void appendLoop() {
        List<Append> group = new ArrayList<>();
        while (!closed) {
            Append first;
            try {
                first = appending.take();
            } catch (InterruptedException e) {
                break;
            }
            int count = 0;
            for (Append next = first; next != null; next = appending.peek()) {
                if (next != first && count + next.payloads().size() > MAX_ENTRY_COMMANDS) {
                    break;
                }
                if (next != first) {
                    appending.poll();
                }
                if (System.nanoTime() - next.deadline() > 0) {
                    next.done().completeExceptionally(new TimeoutException());
                } else {
                    group.add(next);
                    count += next.payloads().size();
                }
            }
            if (group.isEmpty()) {
                continue;
            }
            try {
                append(group, count);
                group.forEach(append -> append.done().complete(null));
            } catch (Throwable e) {
                group.forEach(append -> append.done().completeExceptionally(e));
            }
            group.clear();
        }
        // Stopping: nothing queued is appended any more; its requests are answered at once.
        Append left;
        while ((left = appending.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("replica stopping"));
        }
    }

    private void append(List<Append> group, int count) {
        Map<String, String> entry;
        if (count == 1) {
            entry = Map.of(StreamCommand.ONE_FIELD, group.getFirst().payloads().getFirst());
        } else {
            StringBuilder array = new StringBuilder(count * 256).append('[');
            for (Append append : group) {
                for (String payload : append.payloads()) {
                    array.append(array.length() > 1 ? "," : "").append(payload);
                }
            }
            entry = Map.of(StreamCommand.MANY_FIELD, array.append(']').toString());
        }
        RecordId id = redis.opsForStream().add(MapRecord.create(properties.streamKey(), entry));
        if (id == null) {
            throw unavailable("SERVER_ERROR", "Command stream unavailable");
        }
    }

    @Override
    public void destroy() {
        closed = true;
        appender.interrupt();
    }

    /**
     * Refuses at once when no replica holds the engine lease. The answer is cached for 500 ms and refreshed by
     * one request at a time: under overload thousands of requests arrive within one refresh, and each running its
     * own query took the connection pool away from the engine's commits, which made the overload worse.
     */
    private void requireLeader() {
        long now = System.nanoTime();
        long checked = leaseCheckedAt.get();
        if (!leaseKnown || (now - checked > 500_000_000L && leaseCheckedAt.compareAndSet(checked, now))) {
            boolean held;
            try {
                held = lease.isHeld();
            } catch (RuntimeException e) {
                held = false;
            }
            leaseHeld = held;
            leaseKnown = true;
        }
        if (!leaseHeld) {
            throw unavailable("SERVER_ERROR", "No engine leader is available; retry shortly");
        }
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        List<EngineReply> replies;
        try {
            replies = json.readValue(new String(message.getBody(), StandardCharsets.UTF_8),
                    new TypeReference<List<EngineReply>>() { });
        } catch (RuntimeException e) {
            log.warn("Unreadable reply batch on {}", replyChannel, e);
            return;
        }
        for (EngineReply reply : replies) {
            Waiting waiting = pending.get(reply.requestId());
            if (waiting != null) {
                waiting.reply().complete(reply);
            }
        }
    }

    private static ApiException unavailable(String code, String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, code, message);
    }

    static String newInstanceId() {
        return UUID.randomUUID().toString().substring(0, 8) + "-" + ProcessHandle.current().pid();
    }
}
