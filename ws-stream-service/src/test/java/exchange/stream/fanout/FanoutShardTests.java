package exchange.stream.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import exchange.stream.connection.CloseCodes;
import exchange.stream.connection.RecordedOutbox;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;

class FanoutShardTests {

    private static final long STEADY_WINDOW = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long QUIET_WINDOW = TimeUnit.SECONDS.toNanos(2);

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
            if (i % 3 == 0) {
                tradesOnly.add(subscriber(shard, 2048, "trade"));
            } else {
                both.add(subscriber(shard, 2048, "trade", "depth"));
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
        FanoutShard shard = shard(STEADY_WINDOW);
        RecordedOutbox connection = subscriber(shard, 2048, "trade");

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            shard.submit("trade", new TextMessage("t" + i));
            Thread.sleep(5);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connection.payloads().size() == 100);
        long elapsed = System.nanoTime() - start;

        List<RecordedOutbox.Write> writes = connection.writes();
        assertThat(writes.size()).as("one write per window, plus the first and the last")
                .isLessThanOrEqualTo((int) (elapsed / STEADY_WINDOW) + 2);
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i).nanoTime() - writes.get(i - 1).nanoTime())
                    .as("time between writes %d and %d", i - 1, i)
                    .isGreaterThan(STEADY_WINDOW / 2);
        }
    }

    @Test
    void aMessageAfterAQuietSpellGoesOutAtOnce() throws Exception {
        FanoutShard shard = shard(QUIET_WINDOW);
        RecordedOutbox connection = subscriber(shard, 2048, "trade");

        long first = System.nanoTime();
        shard.submit("trade", new TextMessage("first"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 1);
        assertThat(connection.writes().get(0).nanoTime() - first).as("a new connection waits for no window")
                .isLessThan(QUIET_WINDOW / 2);

        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(QUIET_WINDOW) + 100);
        long second = System.nanoTime();
        shard.submit("trade", new TextMessage("second"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 2);
        assertThat(connection.writes().get(1).nanoTime() - second).as("nor does one whose window has passed")
                .isLessThan(QUIET_WINDOW / 2);
        assertThat(connection.payloads()).containsExactly("first", "second");
    }

    @Test
    void aConnectionStillInLineWhenTheThreadStopsGetsAWriterForWhatItHas() {
        FanoutShard shard = shard(TimeUnit.MINUTES.toNanos(10));
        RecordedOutbox connection = subscriber(shard, 2048, "trade");
        shard.submit("trade", new TextMessage("first"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 1);
        shard.submit("trade", new TextMessage("second"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> shard.distributed() == 2);

        shard.stop();

        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 2);
        assertThat(connection.payloads()).containsExactly("first", "second");
    }

    @Test
    void aBurstOfManyBuffersFullIsHandedOverAPassAtATimeAndDropsNobody() {
        FanoutShard shard = shard(0);
        List<RecordedOutbox> connections = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            connections.add(subscriber(shard, 1024, "trade"));
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
            assertThat(connection.writes()).as("at most two passes' worth (256 each) while waiting for a turn")
                    .allSatisfy(write -> assertThat(write.payloads()).hasSizeLessThanOrEqualTo(512));
        }
    }

    @Test
    void aConnectionThatChangesItsStreamsWhileWaitingForItsTurnGetsEverythingInOrder() {
        FanoutShard shard = shard(TimeUnit.MILLISECONDS.toNanos(300));
        RecordedOutbox connection = subscriber(shard, 2048, "trade");
        RecordedOutbox bystander = subscriber(shard, 2048, "trade");
        shard.submit("trade", new TextMessage("t1"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.writes().size() == 1);
        shard.submit("trade", new TextMessage("t2"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> shard.distributed() == 2);

        shard.add("depth", connection.outbox());
        shard.submit("depth", new TextMessage("d1"));
        shard.submit("trade", new TextMessage("t3"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> shard.distributed() == 4);
        shard.remove("trade", connection.outbox());
        shard.submit("trade", new TextMessage("t4"));
        shard.submit("depth", new TextMessage("d2"));

        Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(connection.payloads()).containsExactly("t1", "t2", "d1", "t3", "d2"));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(bystander.payloads()).containsExactly("t1", "t2", "t3", "t4"));
        assertThat(connection.closes()).isEmpty();
    }

    @Test
    void aConnectionThatLeftEveryStreamGetsNothingMoreAndCanComeBack() {
        FanoutShard shard = shard(0);
        RecordedOutbox connection = subscriber(shard, 2048, "trade");
        RecordedOutbox other = subscriber(shard, 2048, "trade");
        shard.submit("trade", new TextMessage("t1"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> connection.payloads().size() == 1);

        shard.remove("trade", connection.outbox());
        shard.submit("trade", new TextMessage("t2"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> other.payloads().size() == 2);
        shard.add("trade", connection.outbox());
        shard.submit("trade", new TextMessage("t3"));

        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> other.payloads().size() == 3);
        Awaitility.await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(connection.payloads()).containsExactly("t1", "t3"));
    }

    @Test
    void aConnectionWhoseBufferOverflowsIsCutOffWhileTheOthersOfItsStreamsKeepReceiving() {
        overflowWhileOthersKeepReceiving(false);
    }

    @Test
    void aConnectionWhoseCloseFailsDoesNotStopTheThreadForTheOthers() {
        overflowWhileOthersKeepReceiving(true);
    }

    private void overflowWhileOthersKeepReceiving(boolean closeFails) {
        FanoutShard shard = shard(0);
        RecordedOutbox small = new RecordedOutbox(3, closeFails);
        shard.add("trade", small.outbox());
        List<RecordedOutbox> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add(subscriber(shard, 2048, "trade"));
        }
        CountDownLatch release = new CountDownLatch(1);
        small.stickUntil(release);
        try {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add("t" + i);
                shard.submit("trade", new TextMessage("t" + i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (RecordedOutbox other : others) {
                    assertThat(other.payloads()).isEqualTo(sent);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !small.closes().isEmpty());

            sent.add("after");
            shard.submit("trade", new TextMessage("after"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).alias("the thread goes on after the cut-off")
                    .untilAsserted(() -> {
                        for (RecordedOutbox other : others) {
                            assertThat(other.payloads()).isEqualTo(sent);
                        }
                    });
        } finally {
            release.countDown();
        }
        assertThat(small.closes()).containsExactly(CloseCodes.SLOW_CONSUMER);
    }

    private static RecordedOutbox subscriber(FanoutShard shard, int maxMessages, String... keys) {
        RecordedOutbox connection = new RecordedOutbox(maxMessages);
        for (String key : keys) {
            shard.add(key, connection.outbox());
        }
        return connection;
    }

    private FanoutShard shard(long windowNanos) {
        FanoutShard shard = new FanoutShard(shards.size(), 65536, windowNanos);
        shards.add(shard);
        return shard;
    }
}
