package exchange.stream.fanout;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The replica's single Redis pub/sub connection, with reference-counted channels: the first {@link #acquire}
 * of a channel sends SUBSCRIBE, the last {@link #release} UNSUBSCRIBE. Both are asynchronous and never block the
 * caller, also while Redis is down (Lettuce queues them).
 *
 * <p>Lettuce reconnects by itself and re-subscribes every channel it holds when it does, so clients stay
 * connected through a Redis restart (this class re-subscribes them too, in case a SUBSCRIBE was refused while
 * Redis was away: see {@link RedisConfiguration}); messages published while Redis was unreachable are lost (pub/sub has no
 * history), which depth clients see as a gap in {@code U}/{@code u}. If Redis is down at start-up, the first
 * connection is retried every second.
 *
 * <p>Messages are delivered in publish order on Lettuce's I/O thread to the {@link Sink}, which hands them on
 * (it waits only when the fan-out queues are full, see {@link Fanout}).
 */
@Component
class RedisChannels implements SmartLifecycle {

    /** Receives every message of every subscribed channel, on one thread, in order. */
    interface Sink {
        void onMessage(String channel, byte[] message);
    }

    private static final Logger log = LoggerFactory.getLogger(RedisChannels.class);

    private final LettuceConnectionFactory connectionFactory;
    private final Map<String, Integer> references = new HashMap<>();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final Counter messagesIn;
    private final Timer lag;
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("redis-pubsub-connect").daemon().factory());
    private volatile Sink sink = (channel, message) -> { };
    private volatile StatefulRedisPubSubConnection<String, byte[]> connection;
    private volatile boolean running;

    RedisChannels(LettuceConnectionFactory connectionFactory, MeterRegistry meters) {
        this.connectionFactory = connectionFactory;
        this.messagesIn = Counter.builder("stream.messages.in")
                .description("Messages received from Redis pub/sub").register(meters);
        this.lag = Timer.builder("stream.redis.lag")
                .description("Event time (E) of a published message to its receipt from Redis")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(meters);
        Gauge.builder("stream.redis.connected", connected, c -> c.get() ? 1 : 0)
                .description("1 while the pub/sub connection to Redis is up").register(meters);
        Gauge.builder("stream.redis.channels", this, RedisChannels::channelCount)
                .description("Redis channels this replica subscribes to").register(meters);
    }

    void sink(Sink sink) {
        this.sink = sink;
    }

    /** Subscribes to {@code channel} unless already subscribed; counts the reference. */
    void acquire(String channel) {
        synchronized (references) {
            if (references.merge(channel, 1, Integer::sum) == 1 && connection != null) {
                send(() -> connection.async().subscribe(channel), "SUBSCRIBE " + channel);
            }
        }
    }

    /** Drops one reference; the last one unsubscribes. */
    void release(String channel) {
        synchronized (references) {
            Integer left = references.computeIfPresent(channel, (c, n) -> n == 1 ? null : n - 1);
            if (left == null && connection != null) {
                send(() -> connection.async().unsubscribe(channel), "UNSUBSCRIBE " + channel);
            }
        }
    }

    private static void send(Runnable command, String what) {
        try {
            command.run();
        } catch (RuntimeException e) {
            log.warn("Redis refused {} ({}); it is re-sent when the connection is back", what, e.toString());
        }
    }

    /** Subscribes every referenced channel again: a no-op for those Lettuce already re-subscribed. */
    private void resubscribeAll() {
        synchronized (references) {
            if (connection != null && !references.isEmpty()) {
                String[] channels = references.keySet().toArray(String[]::new);
                send(() -> connection.async().subscribe(channels), "SUBSCRIBE of " + channels.length + " channels");
            }
        }
    }

    int channelCount() {
        synchronized (references) {
            return references.size();
        }
    }

    boolean isConnected() {
        return connected.get();
    }

    private void connect() {
        if (!running) {
            return;
        }
        try {
            RedisClient client = (RedisClient) connectionFactory.getRequiredNativeClient();
            StatefulRedisPubSubConnection<String, byte[]> opened =
                    client.connectPubSub(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            opened.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    receive(channel, message);
                }
            });
            opened.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> handler) {
                    if (!connected.getAndSet(true)) {
                        log.info("Redis pub/sub connection is back; re-subscribing {} channels", channelCount());
                        resubscribeAll();
                    }
                }

                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    if (connected.getAndSet(false) && running) {
                        log.warn("Redis pub/sub connection lost; reconnecting");
                    }
                }
            });
            synchronized (references) {
                connection = opened;
                connected.set(true);
                if (!references.isEmpty()) {
                    opened.async().subscribe(references.keySet().toArray(String[]::new));
                }
            }
            log.info("Redis pub/sub connected");
        } catch (RuntimeException e) {
            log.warn("Redis pub/sub connection failed ({}); retrying in 1 s", e.toString());
            connector.schedule(this::connect, 1, TimeUnit.SECONDS);
        }
    }

    private void receive(String channel, byte[] message) {
        messagesIn.increment();
        long eventMicros = EventTime.micros(message);
        if (eventMicros > 0) {
            Instant now = Instant.now();
            long lagMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000 - eventMicros;
            if (lagMicros >= 0) {
                lag.record(Duration.ofNanos(lagMicros * 1_000));
            }
        }
        try {
            sink.onMessage(channel, message);
        } catch (RuntimeException e) {
            log.error("Fan-out of a message on {} failed", channel, e);
        }
    }

    @Override
    public void start() {
        running = true;
        connector.execute(this::connect);
    }

    @Override
    public void stop() {
        running = false;
        connector.shutdownNow();
        StatefulRedisPubSubConnection<String, byte[]> open = connection;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
