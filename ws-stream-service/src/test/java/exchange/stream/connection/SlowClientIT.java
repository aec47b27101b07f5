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
                String trade = TestData.trade("SOL_USDC", i)
                        .replace("\"m\":true", "\"m\":true,\"pad\":\"" + padding + "\"");
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

    @Test
    void aClientThatFallsBehindForAWhileGetsEverythingInOrderOnceItReads() throws Exception {
        try (RawClient sluggish = new RawClient(port)) {
            sluggish.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}");
            await(() -> fanout.subscriberCount("trade.SOL_USDC") == 1, Duration.ofSeconds(5), "1 subscriber");
            double droppedBefore = dropped();
            ClientConnection connection = connections.connections().stream()
                    .filter(c -> !c.isClosing() && c.streams().contains("trade.SOL_USDC")).findFirst().orElseThrow();
            assertThat(connection.directWrites()).as("written by the fan-out thread, not by a writer per batch")
                    .isTrue();

            // About 1 MB/s that it does not read, until the server's socket buffer (up to 4 MB here) is full and a
            // write has to wait part-way through a batch; then 100 ms more, which queue behind that write. Inside the
            // 2 s send limit and the outbound buffer, so it is not cut off.
            String padding = "y".repeat(1000);
            List<String> sent = new ArrayList<>();
            int blockedAt = -1;
            long start = System.nanoTime();
            for (int i = 0; i < 20_000 && (blockedAt < 0 || i < blockedAt + 100); i++) {
                LockSupport.parkNanos(start + i * 1_000_000L - System.nanoTime());
                String trade = TestData.trade("SOL_USDC", i)
                        .replace("\"m\":true", "\"m\":true,\"pad\":\"" + padding + "\"");
                sent.add(trade);
                publisher.publish("trade.SOL_USDC", trade);
                if (blockedAt < 0 && connection.outbox().sendStartedNanos() != 0) {
                    blockedAt = i;
                }
            }
            assertThat(blockedAt).as("a write waited for the client").isPositive();
            assertThat(sluggish.readTexts(sent.size())).isEqualTo(sent);
            assertThat(dropped()).isEqualTo(droppedBefore);
            assertThat(fanout.subscriberCount("trade.SOL_USDC")).isEqualTo(1);
        }
    }

    private double dropped() {
        var counter = meters.find("stream.clients.dropped").tag("reason", "Slow consumer").counter();
        return counter == null ? 0 : counter.count();
    }
}
