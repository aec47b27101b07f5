package exchange.stream;

import exchange.devstack.TestInfrastructure;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/** Publishes to the test Redis as the engine leader will: raw envelopes on named channels. */
public final class TestPublisher implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    public TestPublisher() {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        client = RedisClient.create("redis://" + infrastructure.redisHost() + ":" + infrastructure.redisPort());
        connection = client.connect();
    }

    /** Publishes and returns how many subscribers (replicas) Redis delivered it to. */
    public long publish(String channel, String message) {
        return connection.sync().publish(channel, message);
    }

    /** How many subscribers Redis counts for {@code channel} (PUBSUB NUMSUB). */
    public long subscribers(String channel) {
        return connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
