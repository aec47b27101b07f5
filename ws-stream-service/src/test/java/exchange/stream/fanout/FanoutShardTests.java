package exchange.stream.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import exchange.stream.connection.RecordedOutbox;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;

class FanoutShardTests {

    private final List<FanoutShard> shards = new ArrayList<>();

    @AfterEach
    void stop() {
        shards.forEach(FanoutShard::stop);
    }

    @Test
    void everySubscriberGetsEveryMessageOfItsStreamsInOrder() {
        FanoutShard shard = shard(0);
        List<RecordedOutbox> both = new ArrayList<>();
        List<RecordedOutbox> tradesOnly = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RecordedOutbox connection = new RecordedOutbox(2048);
            shard.add("trade", connection.outbox());
            if (i % 3 == 0) {
                tradesOnly.add(connection);
            } else {
                shard.add("depth", connection.outbox());
                both.add(connection);
            }
        }
        List<String> all = new ArrayList<>();
        List<String> trades = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String key = i % 2 == 0 ? "trade" : "depth";
            String payload = key + i;
            shard.submit(key, new TextMessage(payload));
            all.add(payload);
            if (key.equals("trade")) {
                trades.add(payload);
            }
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (RecordedOutbox connection : both) {
                assertThat(connection.payloads()).isEqualTo(all);
            }
            for (RecordedOutbox connection : tradesOnly) {
                assertThat(connection.payloads()).isEqualTo(trades);
            }
        });
        assertThat(both.get(0).writes()).as("batched: fewer writes than messages").hasSizeLessThan(all.size());
    }

    @Test
    void underASteadyFlowAConnectionIsWrittenAtMostOncePerWindow() throws Exception {
        long window = TimeUnit.MILLISECONDS.toNanos(50);
        FanoutShard shard = shard(window);
        RecordedOutbox connection = new RecordedOutbox(2048);
        shard.add("trade", connection.outbox());

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            shard.submit("trade", new TextMessage("t" + i));
            Thread.sleep(5);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connection.payloads().size() == 100);
        long elapsed = System.nanoTime() - start;

        List<RecordedOutbox.Write> writes = connection.writes();
        assertThat(writes.size()).as("one write per window, plus the first and the last")
                .isLessThanOrEqualTo((int) (elapsed / window) + 2);
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i).nanoTime() - writes.get(i - 1).nanoTime())
                    .as("time between writes %d and %d", i - 1, i)
                    .isGreaterThan(window - TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void aMessageAfterAQuietSpellGoesOutAtOnce() throws Exception {
        long window = TimeUnit.SECONDS.toNanos(2);
        FanoutShard shard = shard(window);
        RecordedOutbox connection = new RecordedOutbox(2048);
        shard.add("trade", connection.outbox());

        long first = System.nanoTime();
        shard.submit("trade", new TextMessage("first"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 1);
        assertThat(connection.writes().get(0).nanoTime() - first).as("a new connection waits for no window")
                .isLessThan(window / 2);

        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(window) + 100);
        long second = System.nanoTime();
        shard.submit("trade", new TextMessage("second"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 2);
        assertThat(connection.writes().get(1).nanoTime() - second).as("nor does one whose window has passed")
                .isLessThan(window / 2);
        assertThat(connection.payloads()).containsExactly("first", "second");
    }

    @Test
    void aBurstOfManyBuffersFullIsHandedOverAPassAtATimeAndDropsNobody() {
        FanoutShard shard = shard(0);
        List<RecordedOutbox> connections = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RecordedOutbox connection = new RecordedOutbox(1024);
            shard.add("trade", connection.outbox());
            connections.add(connection);
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            sent.add("t" + i);
            shard.submit("trade", new TextMessage("t" + i));
        }

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .failFast("a connection was cut off", () -> connections.stream().anyMatch(c -> !c.closes().isEmpty()))
                .untilAsserted(() -> {
                    for (RecordedOutbox connection : connections) {
                        assertThat(connection.payloads()).isEqualTo(sent);
                    }
                });
        for (RecordedOutbox connection : connections) {
            assertThat(connection.writes())
                    .allSatisfy(write -> assertThat(write.payloads()).hasSizeLessThanOrEqualTo(1024));
        }
    }

    private FanoutShard shard(long windowNanos) {
        FanoutShard shard = new FanoutShard(shards.size(), 65536, windowNanos);
        shards.add(shard);
        return shard;
    }
}
