package exchange.stream.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import exchange.devstack.TestInfrastructure;
import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;
import exchange.stream.TestData;
import exchange.stream.TestPublisher;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Redis lost and back: the replica re-subscribes by itself and its clients stay connected. */
class RedisRestartIT extends StreamIntegrationTest {

    @Autowired
    RedisChannels redis;

    @Test
    void resubscribesAfterARedisRestartWithoutDisconnectingClients() throws Exception {
        try (TestClient client = connect()) {
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\",\"depth.200ms.SOL_USDC\"]}");
            awaitRedisSubscribers("trade.SOL_USDC", 1);
            publisher.publish("trade.SOL_USDC", TestData.trade("SOL_USDC", 1));
            assertThat(client.poll(5000)).isNotNull();
            publisher.close();

            TestInfrastructure.shared().restartRedis(Duration.ofSeconds(2));

            publisher = new TestPublisher();
            awaitRedisSubscribers("trade.SOL_USDC", 1);
            awaitRedisSubscribers("depth.SOL_USDC", 1);
            await(redis::isConnected, Duration.ofSeconds(10), "the connected gauge");
            String trade = TestData.trade("SOL_USDC", 2);
            publisher.publish("trade.SOL_USDC", trade);
            assertThat(client.poll(5000)).isEqualTo(trade);
            assertThat(client.isOpen()).isTrue();
        }
    }
}
