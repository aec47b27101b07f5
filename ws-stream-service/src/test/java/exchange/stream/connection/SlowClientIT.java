package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import exchange.stream.RawClient;
import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;
import exchange.stream.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.micrometer.core.instrument.MeterRegistry;

/** A client that stops reading is cut off; everyone else keeps receiving everything, in order. */
@TestPropertySource(properties = "exchange.stream.send-time-limit=2s")
class SlowClientIT extends StreamIntegrationTest {

    @Autowired
    ConnectionRegistry connections;

    @Autowired
    MeterRegistry meters;

    @Test
    void aClientThatNeverReadsIsDisconnectedWhileFastClientsReceiveEverything() throws Exception {
        List<TestClient> fast = new ArrayList<>();
        try (RawClient slow = new RawClient(port)) {
            slow.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}");
            for (int i = 0; i < 5; i++) {
                TestClient client = connect();
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}");
                fast.add(client);
            }
            await(() -> fanout.subscriberCount("trade.SOL_USDC") == 6, Duration.ofSeconds(5), "6 subscribers");
            double droppedBefore = dropped();

            // 2 MB/s for 4 s: easy for a reading client, while the one that never reads fills its TCP buffers,
            // then its 1 MiB outbound buffer (or hits the 2 s send limit).
            String padding = "x".repeat(2000);
            List<String> sent = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 4000; i++) {
                LockSupport.parkNanos(start + i * 1_000_000L - System.nanoTime());
                String trade = TestData.trade("SOL_USDC", i).replace("\"m\":true", "\"m\":true,\"pad\":\"" + padding + "\"");
                sent.add(trade);
                publisher.publish("trade.SOL_USDC", trade);
            }
            for (TestClient client : fast) {
                assertThat(client.take(sent.size(), 30_000)).isEqualTo(sent);
            }
            await(() -> fanout.subscriberCount("trade.SOL_USDC") == 5, Duration.ofSeconds(10),
                    "the slow client unsubscribed");
            assertThat(dropped()).isEqualTo(droppedBefore + 1);
            assertThat(connections.size()).isEqualTo(5);
            for (TestClient client : fast) {
                assertThat(client.isOpen()).isTrue();
            }
        } finally {
            fast.forEach(TestClient::close);
        }
    }

    private double dropped() {
        var counter = meters.find("stream.clients.dropped").tag("reason", "Slow consumer").counter();
        return counter == null ? 0 : counter.count();
    }
}
