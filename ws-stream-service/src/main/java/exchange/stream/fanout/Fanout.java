package exchange.stream.fanout;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import exchange.stream.StreamProperties;
import exchange.stream.connection.Outbox;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Topics and their subscribers. A Redis message is wrapped once in a {@link TextMessage} (its bytes unchanged:
 * the publisher's envelope is exactly what clients receive) and that one object is handed to the
 * {@link FanoutShard}s, whose threads append it once to the log of each group of their subscribers with the same
 * streams and hand each subscriber's {@link Outbox} what arrived for it when its turn comes (which never blocks).
 * The first subscriber of a topic subscribes the replica to its Redis channel
 * (or starts the depth aggregation), the last one leaving undoes it.
 */
@Component
public class Fanout implements DisposableBean {

    private final RedisChannels redis;
    private final DepthAggregator aggregator;
    private final Map<String, Set<Outbox>> topics = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final FanoutShard[] shards;

    Fanout(RedisChannels redis, DepthAggregator aggregator, MeterRegistry meters, StreamProperties properties) {
        this.redis = redis;
        this.aggregator = aggregator;
        int threads = properties.fanoutThreads() > 0 ? properties.fanoutThreads()
                : Runtime.getRuntime().availableProcessors();
        this.shards = new FanoutShard[threads];
        for (int i = 0; i < threads; i++) {
            shards[i] = new FanoutShard(i, properties.fanoutQueue(), properties.fanoutWindow().toNanos());
        }
        redis.sink(this::onRedisMessage);
        aggregator.sink(this::publish);
        Gauge.builder("stream.subscriptions", subscriptions, AtomicInteger::get)
                .description("Client subscriptions on this replica").register(meters);
        Gauge.builder("stream.topics", topics, Map::size)
                .description("Topics with at least one subscriber").register(meters);
        Gauge.builder("stream.fanout.queued", this, Fanout::queued)
                .description("Messages waiting for the fan-out threads").register(meters);
    }

    /** Adds {@code outbox} to the route's topic; idempotent. */
    public void subscribe(Route route, Outbox outbox) {
        synchronized (topics) {
            Set<Outbox> subscribers = topics.get(route.key());
            boolean first = subscribers == null;
            if (first) {
                subscribers = ConcurrentHashMap.newKeySet();
                topics.put(route.key(), subscribers);
            }
            if (!subscribers.add(outbox)) {
                return;
            }
            shardOf(outbox).add(route.key(), outbox);
            subscriptions.incrementAndGet();
            if (first) {
                if (route.window() == null) {
                    redis.acquire(route.channel());
                } else {
                    aggregator.start(route);
                    redis.acquire(route.channel());
                }
            }
        }
    }

    /** Removes {@code outbox} from the route's topic; idempotent. */
    public void unsubscribe(Route route, Outbox outbox) {
        synchronized (topics) {
            Set<Outbox> subscribers = topics.get(route.key());
            if (subscribers == null || !subscribers.remove(outbox)) {
                return;
            }
            shardOf(outbox).remove(route.key(), outbox);
            subscriptions.decrementAndGet();
            if (subscribers.isEmpty()) {
                topics.remove(route.key());
                redis.release(route.channel());
                if (route.window() != null) {
                    aggregator.stop(route);
                }
            }
        }
    }

    /** Subscribers of a topic right now (tests, diagnostics). */
    public int subscriberCount(String key) {
        Set<Outbox> subscribers = topics.get(key);
        return subscribers == null ? 0 : subscribers.size();
    }

    private void onRedisMessage(String channel, byte[] message) {
        Set<Outbox> subscribers = topics.get(channel);
        if (subscribers != null) {
            publish(channel, new TextMessage(message));
        }
        aggregator.onDelta(channel, message);
    }

    private void publish(String key, TextMessage message) {
        for (FanoutShard shard : shards) {
            shard.submit(key, message);
        }
    }

    private FanoutShard shardOf(Outbox outbox) {
        return shards[Math.floorMod(System.identityHashCode(outbox), shards.length)];
    }

    private int queued() {
        int queued = 0;
        for (FanoutShard shard : shards) {
            queued += shard.queued();
        }
        return queued;
    }

    @Override
    public void destroy() {
        for (FanoutShard shard : shards) {
            shard.stop();
        }
    }
}
