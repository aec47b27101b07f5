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
import java.util.concurrent.TimeUnit;
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
    /** Most commands in one stream entry: bounds the entry and the engine's work per entry. */
    static final int MAX_ENTRY_COMMANDS = 100;
    private final BlockingQueue<Append> appending = new LinkedBlockingQueue<>();
    private final Thread appender;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, CompletableFuture<EngineReply>> pending = new ConcurrentHashMap<>();
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
        this.appender = Thread.ofPlatform().name("command-appender").daemon(true).start(this::appendLoop);
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
     * Appends the commands in order (the engine applies them in that order) and waits for all answers; the
     * wait is bounded by one ack timeout for the whole group.
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
                pending.put(requestId, reply);
                ids.add(requestId);
                replies.add(reply);
                payloads.add(json.writeValueAsString(command.addressed(requestId, replyChannel)));
            }
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < payloads.size(); i += MAX_ENTRY_COMMANDS) {
                Append append = new Append(payloads.subList(i, Math.min(payloads.size(), i + MAX_ENTRY_COMMANDS)));
                appending.add(append);
                appends.add(append.done);
            }
            for (CompletableFuture<Void> append : appends) {
                append.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            List<EngineReply> answers = new ArrayList<>(replies.size());
            for (CompletableFuture<EngineReply> reply : replies) {
                answers.add(reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return answers;
        } catch (TimeoutException e) {
            throw unavailable("TIMEOUT", "The engine did not confirm within " + properties.ackTimeout().toMillis()
                    + " ms; the command may still be applied: retry with the same clientId or query the order");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("SERVER_ERROR", "Interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            if (e.getCause() instanceof org.springframework.dao.DataAccessException) {
                log.warn("Cannot append to the command stream: {}", e.getCause().getMessage());
                // An append that failed on the way back may have reached Redis: say "may still be applied".
                throw unavailable("TIMEOUT", "Command stream unavailable; the command may or may not have been "
                        + "appended: retry with the same clientId or query the order");
            }
            throw unavailable("SERVER_ERROR", "No reply");
        } finally {
            ids.forEach(pending::remove);
        }
    }

    /** Commands of one or more requests waiting to be appended, in order; {@code done} when they are. */
    private record Append(List<String> payloads, CompletableFuture<Void> done) {
        Append(List<String> payloads) {
            this(payloads, new CompletableFuture<>());
        }
    }

    /**
     * The appender thread: takes everything queued (up to {@link #MAX_ENTRY_COMMANDS} commands) and appends it
     * as one stream entry. An idle appender sends a lone command at once; under load, what queues while one
     * append is on its way goes out together in the next, so Redis, this replica's Redis connection and the
     * engine's reads handle one entry per group instead of one per command.
     */
    private void appendLoop() {
        List<Append> group = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                group.add(appending.take());
            } catch (InterruptedException e) {
                break;
            }
            int count = group.getFirst().payloads().size();
            Append next;
            while ((next = appending.peek()) != null && count + next.payloads().size() <= MAX_ENTRY_COMMANDS) {
                group.add(appending.poll());
                count += next.payloads().size();
            }
            try {
                append(group, count);
                group.forEach(append -> append.done().complete(null));
            } catch (Throwable e) {
                group.forEach(append -> append.done().completeExceptionally(e));
            }
            group.clear();
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
            CompletableFuture<EngineReply> waiting = pending.get(reply.requestId());
            if (waiting != null) {
                waiting.complete(reply);
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
