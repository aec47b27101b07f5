package exchange.router.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import exchange.router.system.ApiException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
public class CommandBus implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(CommandBus.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final EngineProperties properties;
    private final LeaderLease lease;
    private final String replyChannel;
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
        List<String> ids = new java.util.ArrayList<>(commands.size());
        List<CompletableFuture<EngineReply>> replies = new java.util.ArrayList<>(commands.size());
        try {
            for (StreamCommand command : commands) {
                String requestId = Long.toString(requests.incrementAndGet(), 36);
                CompletableFuture<EngineReply> reply = new CompletableFuture<>();
                pending.put(requestId, reply);
                ids.add(requestId);
                replies.add(reply);
                String payload = json.writeValueAsString(command.addressed(requestId, replyChannel));
                RecordId id = redis.opsForStream().add(MapRecord.create(properties.streamKey(), Map.of("c", payload)));
                if (id == null) {
                    throw unavailable("SERVER_ERROR", "Command stream unavailable");
                }
            }
            long deadline = System.nanoTime() + properties.ackTimeout().toNanos();
            List<EngineReply> answers = new java.util.ArrayList<>(replies.size());
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
            throw unavailable("SERVER_ERROR", "No reply");
        } catch (org.springframework.dao.DataAccessException e) {
            log.warn("Cannot append to the command stream: {}", e.getMessage());
            // An append that failed on the way back may have reached Redis: say "may still be applied".
            throw unavailable("TIMEOUT", "Command stream unavailable; the command may or may not have been "
                    + "appended: retry with the same clientId or query the order");
        } finally {
            ids.forEach(pending::remove);
        }
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
