package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class OutboxTests {

    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<CloseStatus> terminated = new CopyOnWriteArrayList<>();
    private final Counter sent = new SimpleMeterRegistry().counter("sent");
    private final ManualExecutor writers = new ManualExecutor();

    private final Outbox.Writer recording = (batch, progress) -> batches.add(payloads(batch));

    @Test
    void offerReturnsAtOnceAndEverythingQueuedMeanwhileGoesOutAsOneBatchInOrder() {
        Outbox outbox = new Outbox(recording, writers, 10, 1000, sent, terminated::add);
        assertThat(outbox.offer(new TextMessage("a"))).isTrue();
        assertThat(outbox.offer(new TextMessage("b"))).isTrue();
        assertThat(outbox.offer(new TextMessage("c"))).isTrue();
        assertThat(batches).isEmpty();
        assertThat(writers.tasks).as("one writer per burst, not one per message").hasSize(1);

        writers.runAll();
        assertThat(batches).containsExactly(List.of("a", "b", "c"));
        assertThat(outbox.queued()).isZero();
        assertThat(sent.count()).isEqualTo(3);

        outbox.offer(new TextMessage("d"));
        assertThat(writers.tasks).as("the writer ended with the queue; the next offer starts another").hasSize(1);
        writers.runAll();
        assertThat(batches).containsExactly(List.of("a", "b", "c"), List.of("d"));
        assertThat(terminated).isEmpty();
    }

    @Test
    void deferredOffersLeaveTheWriterToTheCallerWhoStartsItOnceForAll() {
        Outbox outbox = new Outbox(recording, writers, 2, 1000, sent, terminated::add);
        assertThat(outbox.offerDeferred(List.of(new TextMessage("a")))).as("the first makes the writer due").isTrue();
        assertThat(outbox.offerDeferred(List.of(new TextMessage("b")))).as("due already").isFalse();
        assertThat(outbox.offer(new TextMessage("c"))).as("another producer meanwhile").isFalse();
        assertThat(writers.tasks).as("nobody started a writer yet").isEmpty();
        assertThat(terminated).as("c overflowed the two-message buffer").containsExactly(CloseCodes.SLOW_CONSUMER);

        Outbox other = new Outbox(recording, writers, 10, 1000, sent, terminated::add);
        assertThat(other.offerDeferred(List.of(new TextMessage("x")))).isTrue();
        assertThat(other.offer(new TextMessage("y"))).as("queued behind the due writer, starting none").isTrue();
        assertThat(writers.tasks).isEmpty();
        assertThat(other.startWriter()).isTrue();
        writers.runAll();
        assertThat(batches).containsExactly(List.of("x", "y"));
        assertThat(other.offerDeferred(List.of(new TextMessage("z")))).as("the writer ended; due again").isTrue();
    }

    @Test
    void aDeferredOfferOfSeveralMessagesQueuesThemAllInOrderOrClosesTheConnectionIfTheyDoNotAllFit() {
        Outbox outbox = new Outbox(recording, writers, 4, 1000, sent, terminated::add);
        List<TextMessage> handed = new ArrayList<>(List.of(new TextMessage("a"), new TextMessage("b")));
        assertThat(outbox.offerDeferred(handed)).as("the first makes the writer due").isTrue();
        handed.clear();
        assertThat(outbox.offerDeferred(List.of(new TextMessage("c")))).as("due already").isFalse();
        assertThat(outbox.queued()).as("the list was copied").isEqualTo(3);
        assertThat(outbox.startWriter()).isTrue();
        writers.runAll();
        assertThat(batches).containsExactly(List.of("a", "b", "c"));

        assertThat(outbox.offerDeferred(List.of(new TextMessage("d"), new TextMessage("e"), new TextMessage("f"),
                new TextMessage("g"), new TextMessage("h")))).as("five do not fit in four").isFalse();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(outbox.queued()).as("none of them queued").isZero();
        assertThat(outbox.offerDeferred(List.of(new TextMessage("i")))).as("closed").isFalse();
        assertThat(writers.tasks).isEmpty();
        assertThat(batches).hasSize(1);
    }

    @Test
    void aDeferredOfferOverTheCharacterBoundClosesTheConnection() {
        Outbox outbox = new Outbox(recording, writers, 100, 5, sent, terminated::add);
        assertThat(outbox.offerDeferred(List.of(new TextMessage("abc"), new TextMessage("de")))).isTrue();
        assertThat(outbox.offerDeferred(List.of(new TextMessage("f")))).as("six characters in a five-character bound")
                .isFalse();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(outbox.queued()).isZero();
    }

    @Test
    void messagesArrivingDuringAWriteFormTheNextBatch() {
        Outbox[] self = new Outbox[1];
        Outbox.Writer writer = (batch, progress) -> {
            batches.add(payloads(batch));
            if (batches.size() == 1) {
                self[0].offer(new TextMessage("x"));
                self[0].offer(new TextMessage("y"));
            }
        };
        Outbox outbox = self[0] = outbox(writer);
        outbox.offer(new TextMessage("first"));
        writers.runAll();
        assertThat(batches).containsExactly(List.of("first"), List.of("x", "y"));
        assertThat(writers.ran).as("the same writer task carried on").isEqualTo(1);
        assertThat(sent.count()).isEqualTo(3);
    }

    @Test
    void overflowTerminatesAsSlowConsumerAndDropsTheQueue() {
        Outbox byCount = new Outbox(recording, writers, 2, 1000, sent, terminated::add);
        byCount.offer(new TextMessage("q1"));
        byCount.offer(new TextMessage("q2"));
        assertThat(byCount.offer(new TextMessage("overflow"))).isFalse();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(byCount.queued()).isZero();
        assertThat(byCount.offer(new TextMessage("later"))).isFalse();
        writers.runAll();
        assertThat(batches).as("nothing of a dropped queue is written").isEmpty();

        Outbox bySize = new Outbox(recording, writers, 100, 10, sent, terminated::add);
        bySize.offer(new TextMessage("12345"));
        bySize.offer(new TextMessage("12345"));
        assertThat(bySize.offer(new TextMessage("1"))).isFalse();
        assertThat(terminated).hasSize(2);
    }

    @Test
    void theBatchBeingWrittenDoesNotCountAgainstTheQueueBound() {
        Outbox[] self = new Outbox[1];
        List<Boolean> offeredDuringWrite = new ArrayList<>();
        Outbox.Writer writer = (batch, progress) -> {
            batches.add(payloads(batch));
            if (batches.size() == 1) {
                offeredDuringWrite.add(self[0].offer(new TextMessage("n1")));
                offeredDuringWrite.add(self[0].offer(new TextMessage("n2")));
            }
        };
        Outbox outbox = self[0] = new Outbox(writer, writers, 2, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("o1"));
        outbox.offer(new TextMessage("o2"));
        writers.runAll();
        assertThat(offeredDuringWrite).containsExactly(true, true);
        assertThat(batches).containsExactly(List.of("o1", "o2"), List.of("n1", "n2"));
        assertThat(terminated).isEmpty();
    }

    @Test
    void aTimedOutWriteTerminatesAsSlowConsumer() {
        Outbox outbox = new Outbox((batch, progress) -> {
            throw new IOException(new SocketTimeoutException());
        }, writers, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("stuck"));
        writers.runAll();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(outbox.offer(new TextMessage("after"))).isFalse();
        assertThat(sent.count()).isZero();
    }

    @Test
    void aTimeoutIsReportedEvenWhenTheContainerClosedTheSessionFirst() {
        Outbox[] self = new Outbox[1];
        Outbox outbox = self[0] = new Outbox((batch, progress) -> {
            self[0].close();
            throw new IOException(new SocketTimeoutException());
        }, writers, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("stuck"));
        writers.runAll();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
    }

    @Test
    void aFailedWriteOnAClosedConnectionIsNotReportedAgain() {
        Outbox[] self = new Outbox[1];
        Outbox outbox = self[0] = new Outbox((batch, progress) -> {
            self[0].close();
            throw new IOException("Connection reset by peer");
        }, writers, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("gone"));
        writers.runAll();
        assertThat(terminated).isEmpty();

        Outbox open = new Outbox((batch, progress) -> {
            throw new IOException("Broken pipe");
        }, writers, 10, 1000, sent, terminated::add);
        open.offer(new TextMessage("m"));
        writers.runAll();
        assertThat(terminated).containsExactly(CloseStatus.SERVER_ERROR);
    }

    @Test
    void aRejectedWriterTaskFailsTheConnectionInsteadOfStallingIt() {
        Executor rejecting = task -> {
            throw new RejectedExecutionException("shutting down");
        };
        Outbox outbox = new Outbox(recording, rejecting, 10, 1000, sent, terminated::add);
        assertThat(outbox.offer(new TextMessage("m"))).isFalse();
        assertThat(terminated).containsExactly(CloseStatus.SERVER_ERROR);
        assertThat(outbox.offer(new TextMessage("later"))).isFalse();
    }

    @Test
    void controlFramesWaitForTheBatchInProgressAndGoBeforeTheNextOne() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Outbox outbox = new Outbox(blockingWriter(writing, release, order), Thread::startVirtualThread, 10, 1000,
                sent, terminated::add);
        outbox.offer(new TextMessage("m1"));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        outbox.offer(new TextMessage("m2"));

        Thread ping = Thread.startVirtualThread(() -> outbox.betweenBatches(10_000, () -> order.add("ping")));
        Thread.sleep(100);
        assertThat(order).containsExactly("batch [m1]");
        release.countDown();
        ping.join(10_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (order.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(order).as("a busy connection's ping is not starved by its next batches")
                .containsExactly("batch [m1]", "ping", "batch [m2]");
    }

    @Test
    void theWatchdogClockMovesWithEachMessageWritten() {
        List<Long> seen = new ArrayList<>();
        Outbox[] self = new Outbox[1];
        Outbox outbox = self[0] = new Outbox((batch, progress) -> {
            for (TextMessage ignored : batch) {
                long before = self[0].sendStartedNanos();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                progress.run();
                seen.add(self[0].sendStartedNanos() - before);
            }
        }, writers, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("a"));
        outbox.offer(new TextMessage("b"));
        writers.runAll();
        assertThat(seen).hasSize(2).allSatisfy(moved -> assertThat(moved).isPositive());
        assertThat(outbox.sendStartedNanos()).as("nothing being written").isZero();
    }

    @Test
    void aControlFrameRunsAnywayWhenABatchIsStuckPastTheTimeout() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Outbox outbox = new Outbox(blockingWriter(writing, release, new CopyOnWriteArrayList<>()),
                Thread::startVirtualThread, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("m"));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> ran = new CopyOnWriteArrayList<>();
        outbox.betweenBatches(50, () -> ran.add("close"));
        assertThat(ran).containsExactly("close");
        release.countDown();
    }

    @Test
    void writeNowWritesFromTheCallingThreadAndStartsNoWriterWhenTheSocketTakesItAll() {
        ScriptedWriter writer = new ScriptedWriter("all", "all");
        Outbox outbox = outbox(writer);
        assertThat(outbox.offerDeferred(List.of(new TextMessage("a")))).isTrue();
        assertThat(outbox.offerDeferred(List.of(new TextMessage("b")))).isFalse();
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        assertThat(writer.log).containsExactly("now [a, b]");
        assertThat(writers.tasks).as("no writer thread").isEmpty();
        assertThat(sent.count()).isEqualTo(2);
        assertThat(outbox.offerDeferred(List.of(new TextMessage("c")))).as("the write ended; due again").isTrue();
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        assertThat(writer.log).containsExactly("now [a, b]", "now [c]");
        assertThat(terminated).isEmpty();
    }

    @Test
    void whatTheSocketDidNotTakeIsFinishedByAWriterBeforeAnythingQueuedLater() {
        ScriptedWriter writer = new ScriptedWriter("part");
        Outbox outbox = outbox(writer);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        assertThat(writers.tasks).as("a writer for the rest").hasSize(1);
        assertThat(outbox.offer(new TextMessage("b"))).isTrue();
        assertThat(writers.tasks).as("b waits behind the writer already due").hasSize(1);
        assertThat(sent.count()).as("a is not sent until its rest is").isZero();
        writers.runAll();
        assertThat(writer.log).containsExactly("now [a]", "rest [a]", "batch [b]");
        assertThat(sent.count()).isEqualTo(2);
        assertThat(terminated).isEmpty();
    }

    @Test
    void aBatchTheSocketTookNothingOfGoesWholeToAWriter() {
        ScriptedWriter writer = new ScriptedWriter("none");
        Outbox outbox = outbox(writer);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        outbox.offerDeferred(List.of(new TextMessage("b")));
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        writers.runAll();
        assertThat(writer.log).containsExactly("now [a, b]", "batch [a, b]");
        assertThat(sent.count()).isEqualTo(2);
    }

    @Test
    void messagesQueuedWhileWritingNowGetAWriterOfTheirOwn() {
        Outbox[] self = new Outbox[1];
        ScriptedWriter writer = new ScriptedWriter("all") {
            @Override
            public Outbox.Pending tryWrite(List<TextMessage> batch, FrameCache cache) throws IOException {
                self[0].offer(new TextMessage("late"));
                return super.tryWrite(batch, cache);
            }
        };
        Outbox outbox = self[0] = outbox(writer);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        assertThat(writers.tasks).hasSize(1);
        writers.runAll();
        assertThat(writer.log).containsExactly("now [a]", "batch [late]");
    }

    @Test
    void writeNowNeverWaitsForAControlFrameInProgress() throws Exception {
        ScriptedWriter writer = new ScriptedWriter();
        Outbox outbox = outbox(writer);
        CountDownLatch inControlFrame = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread ping = Thread.startVirtualThread(() -> outbox.betweenBatches(10_000, () -> {
            inControlFrame.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inControlFrame.await(10, TimeUnit.SECONDS)).isTrue();
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        assertThat(writer.log).as("not tried from the caller's thread").isEmpty();
        assertThat(writers.tasks).as("left to a writer, which waits for the control frame").hasSize(1);
        release.countDown();
        ping.join(10_000);
        writers.runAll();
        assertThat(writer.log).containsExactly("batch [a]");
    }

    @Test
    void aFailedWriteNowClosesTheConnection() {
        ScriptedWriter writer = new ScriptedWriter("fail");
        Outbox outbox = outbox(writer);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isFalse();
        assertThat(terminated).containsExactly(CloseStatus.SERVER_ERROR);
        assertThat(outbox.offer(new TextMessage("b"))).isFalse();
        assertThat(writers.tasks).isEmpty();
    }

    @Test
    void aRestThatTimesOutClosesTheConnectionAsASlowConsumer() {
        ScriptedWriter writer = new ScriptedWriter("part-timeout");
        Outbox outbox = outbox(writer);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isTrue();
        outbox.offer(new TextMessage("b"));
        writers.runAll();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(writer.log).as("nothing after the failed rest").containsExactly("now [a]", "rest [a]");
        assertThat(sent.count()).isZero();
    }

    @Test
    void aRestThatNoWriterCanTakeIsAbortedAndTheConnectionClosed() {
        ScriptedWriter writer = new ScriptedWriter("part");
        Executor rejecting = task -> {
            throw new RejectedExecutionException("shutting down");
        };
        Outbox outbox = new Outbox(writer, rejecting, 10, 1000, sent, terminated::add);
        outbox.offerDeferred(List.of(new TextMessage("a")));
        assertThat(outbox.writeNow(new FrameCache())).isFalse();
        assertThat(writer.log).containsExactly("now [a]", "abort [a]");
        assertThat(terminated).containsExactly(CloseStatus.SERVER_ERROR);
        assertThat(outbox.offer(new TextMessage("b"))).isFalse();
    }

    /**
     * A writer whose {@code tryWrite} does what it is told, in turn: "all" (the socket took everything), "part"
     * (a rest is pending), "part-timeout" (a rest is pending and times out), "none" (nothing written), "fail" (an
     * I/O error); logs what it was asked to write, and each rest written or aborted.
     */
    private static class ScriptedWriter implements Outbox.Writer {
        final List<String> log = new CopyOnWriteArrayList<>();
        private final ArrayDeque<String> outcomes;

        ScriptedWriter(String... outcomes) {
            this.outcomes = new ArrayDeque<>(List.of(outcomes));
        }

        @Override
        public void write(List<TextMessage> batch, Runnable progress) {
            log.add("batch " + payloads(batch));
        }

        @Override
        public Outbox.Pending tryWrite(List<TextMessage> batch, FrameCache cache) throws IOException {
            List<String> payloads = payloads(batch);
            log.add("now " + payloads);
            String outcome = outcomes.remove();
            return switch (outcome) {
                case "all" -> Outbox.Pending.DONE;
                case "part", "part-timeout" -> new Outbox.Pending() {
                    @Override
                    public void finish() throws IOException {
                        log.add("rest " + payloads);
                        if (outcome.equals("part-timeout")) {
                            throw new IOException(new SocketTimeoutException());
                        }
                    }

                    @Override
                    public void abort() {
                        log.add("abort " + payloads);
                    }
                };
                case "none" -> null;
                default -> throw new IOException("Broken pipe");
            };
        }
    }

    /** An outbox of 10 messages or 1,000 characters writing through {@code writer} on the manual executor. */
    private Outbox outbox(Outbox.Writer writer) {
        return new Outbox(writer, writers, 10, 1000, sent, terminated::add);
    }

    /** Records each batch in {@code log}, signals {@code writing}, and blocks until {@code release}. */
    private static Outbox.Writer blockingWriter(CountDownLatch writing, CountDownLatch release, List<String> log) {
        return (batch, progress) -> {
            log.add("batch " + payloads(batch));
            writing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static List<String> payloads(List<TextMessage> batch) {
        return batch.stream().map(TextMessage::getPayload).toList();
    }

    /** Runs writer tasks only when told, on the test's thread. */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        int ran;

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
                ran++;
            }
        }
    }
}
