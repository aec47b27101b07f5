package exchange.router.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Recorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The order pipeline without HTTP: many concurrent submitters put commands straight into the command stream
 * through {@link CommandBus} and wait for the committed reply. Reports committed commands/s and
 * acknowledgement latency, closed-loop (max throughput) and open-loop at a fixed rate (latency from the
 * intended send time, so no coordinated omission), plus where the leader spends its time.
 *
 * <p>A benchmark, not a test: it asserts nothing about speed. Run it with
 * {@code ./mvnw -B verify -Pslow -pl router-service -am -Dit.test=PipelineBenchmarkIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("perf")
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(properties = {"exchange.demo.enabled=true", "exchange.auth.requests-per-second=1000000"})
class PipelineBenchmarkIT {

    private static final int ACCOUNTS = 200;

    private record Resting(long account, long orderId) {
    }

    /**
     * {@code -Dbench.phases=throughput}: only a warm-up and the two phases of the throughput target (1,024 submitters,
     * 20,000 commands/s), a minute instead of two and a half, so that builds can be compared in alternating runs.
     */
    private static final boolean THROUGHPUT_ONLY = "throughput".equals(System.getProperty("bench.phases"));
    /** {@code -Dbench.phases=latency}: a warm-up and the latency target's phase (open loop at 5,000 commands/s). */
    private static final boolean LATENCY_ONLY = "latency".equals(System.getProperty("bench.phases"));

    /** One-way delay added to every PostgreSQL packet, to model a database on another host (0 = direct). */
    private static final long PG_LATENCY_MICROS = Long.getLong("bench.pgLatencyMicros", 0);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        Map<String, String> properties = TestInfrastructure.shared().springProperties();
        if (PG_LATENCY_MICROS > 0) {
            URI jdbc = URI.create(properties.get("spring.datasource.url").substring("jdbc:".length()));
            int proxy = DelayingProxy.start(jdbc.getHost(), jdbc.getPort(), PG_LATENCY_MICROS);
            properties.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + proxy + jdbc.getRawPath()
                    + (jdbc.getRawQuery() == null ? "" : "?" + jdbc.getRawQuery()));
            System.out.printf("PostgreSQL through a proxy adding %d µs each way%n", PG_LATENCY_MICROS);
        }
        properties.forEach((key, value) -> registry.add(key, () -> value));
    }

    /**
     * Orders known to rest on the book, shared by all phases: a cancel takes one of them. A phase that started
     * with none would send only cancel-alls at first, each cancelling hundreds of orders the earlier phases left.
     */
    private final ConcurrentLinkedQueue<Resting> restingOrders = new ConcurrentLinkedQueue<>();

    @Autowired
    CommandBus bus;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void pipelineThroughputAndLatency() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() == 3);
        long firstAccount = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        List<StreamCommand> deposits = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            long account = firstAccount + i;
            jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'bench')").param(account).update();
            deposits.add(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 100_000_000_000_000L, "u"));
            deposits.add(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "SOL", 1_000_000_000_000_000L, "s"));
        }
        jdbc.sql("SELECT setval('account_id_seq', ?)").param(firstAccount + ACCOUNTS).query().singleValue();
        for (int i = 0; i < deposits.size(); i += 40) {
            bus.submitAll(deposits.subList(i, Math.min(deposits.size(), i + 40)));
        }

        if (LATENCY_ONLY) {
            run("warm-up, closed loop, 256 submitters", firstAccount, 256, 0, Duration.ofSeconds(20));
            run("warm-up, open loop, 5,000 commands/s", firstAccount, 0, 5_000, Duration.ofSeconds(10));
            run("open loop, 5,000 commands/s", firstAccount, 0, 5_000, Duration.ofSeconds(20));
            return;
        }
        if (THROUGHPUT_ONLY) {
            run("warm-up, closed loop, 256 submitters", firstAccount, 256, 0, Duration.ofSeconds(20));
            run("closed loop, 1,024 submitters", firstAccount, 1024, 0, Duration.ofSeconds(20));
            run("open loop, 20,000 commands/s", firstAccount, 0, 20_000, Duration.ofSeconds(20));
            return;
        }
        // The JIT compiles for the first half minute or so, on the same two cores: measured phases start after it.
        run("warm-up, closed loop, 64 submitters", firstAccount, 64, 0, Duration.ofSeconds(10));
        run("warm-up, closed loop, 256 submitters", firstAccount, 256, 0, Duration.ofSeconds(10));
        run("warm-up, open loop, 5,000 commands/s", firstAccount, 0, 5_000, Duration.ofSeconds(10));
        run("closed loop, 64 submitters", firstAccount, 64, 0, Duration.ofSeconds(20));
        run("closed loop, 256 submitters", firstAccount, 256, 0, Duration.ofSeconds(20));
        run("open loop, 5,000 commands/s", firstAccount, 0, 5_000, Duration.ofSeconds(20));
        // The throughput target, last: the vacuum debt of 1,024 submitters (half a million commands in
        // 20 s) spoiled a 5,000/s phase that came after it. The phases report the autovacuums they overlap.
        run("closed loop, 1,024 submitters", firstAccount, 1024, 0, Duration.ofSeconds(20));
        run("open loop, 20,000 commands/s", firstAccount, 0, 20_000, Duration.ofSeconds(20));
    }

    private void run(String name, long firstAccount, int submitters, int ratePerSecond, Duration length)
            throws Exception {
        Recorder latency = new Recorder(3);
        AtomicLong committed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        double commitBefore = totalMillis("exchange.engine.batch.commit");
        double applyBefore = totalMillis("exchange.engine.batch.apply");
        double publishBefore = totalMillis("exchange.engine.batch.publish");
        double takeBefore = totalMillis("exchange.engine.batch.take");
        double handOffBefore = totalMillis("exchange.engine.batch.handoff");
        long batchesBefore = meters.get("exchange.engine.batch.commit").timer().count();
        long requestsBefore = DelayingProxy.REQUESTS.get();
        Map<String, Long> vacuumsBefore = autovacuums();
        Map<String, long[]> writesBefore = rowWrites();
        long begin = System.nanoTime();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            if (ratePerSecond == 0) {
                for (int s = 0; s < submitters; s++) {
                    SplittableRandom random = new SplittableRandom(s);
                    executor.submit(() -> {
                        while (!stop.get()) {
                            long sent = System.nanoTime();
                            submit(random, firstAccount, restingOrders, committed, failed);
                            latency.recordValue((System.nanoTime() - sent) / 1000);
                        }
                    });
                }
                Thread.sleep(length.toMillis());
                stop.set(true);
            } else {
                long interval = 1_000_000_000L / ratePerSecond;
                long total = length.toSeconds() * ratePerSecond;
                SplittableRandom seeds = new SplittableRandom(42);
                long i = 0;
                while (i < total) {
                    // Everything due is sent, then the generator sleeps at least 1 ms: waking up for every command
                    // (every 200 µs at 5,000/s) cost the generator 14 % of a core. Latency still counts from each
                    // command's intended time, so sending up to 1 ms late is measured, not hidden.
                    long now = System.nanoTime();
                    for (; i < total && begin + i * interval <= now; i++) {
                        long intended = begin + i * interval;
                        SplittableRandom random = seeds.split();
                        executor.submit(() -> {
                            submit(random, firstAccount, restingOrders, committed, failed);
                            latency.recordValue((System.nanoTime() - intended) / 1000);
                        });
                    }
                    if (i < total) {
                        TimeUnit.NANOSECONDS.sleep(Math.max(1_000_000, begin + i * interval - System.nanoTime()));
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        var histogram = latency.getIntervalHistogram();
        long batches = meters.get("exchange.engine.batch.commit").timer().count() - batchesBefore;
        System.out.printf("%n== %s: %,d committed in %.1f s = %,.0f commands/s, %d failed%n", name, committed.get(),
                seconds, committed.get() / seconds, failed.get());
        System.out.printf("   ack latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(90) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
                histogram.getMaxValue() / 1000.0);
        System.out.printf("   leader: %,d batches, %.0f commands/batch; per batch take %.2f ms, apply %.2f ms, "
                        + "commit %.2f ms, hand-off %.2f ms (engine thread), publish %.2f ms (publisher thread)%n",
                batches, committed.get() / (double) Math.max(1, batches),
                (totalMillis("exchange.engine.batch.take") - takeBefore) / Math.max(1, batches),
                (totalMillis("exchange.engine.batch.apply") - applyBefore) / Math.max(1, batches),
                (totalMillis("exchange.engine.batch.commit") - commitBefore) / Math.max(1, batches),
                (totalMillis("exchange.engine.batch.handoff") - handOffBefore) / Math.max(1, batches),
                (totalMillis("exchange.engine.batch.publish") - publishBefore) / Math.max(1, batches));
        Map<String, long[]> writes = rowWrites();
        StringBuilder rows = new StringBuilder();
        for (String table : List.of("orders", "balance", "trade")) {
            long[] now = writes.getOrDefault(table, new long[3]);
            long[] then = writesBefore.getOrDefault(table, new long[3]);
            long updated = now[1] - then[1];
            rows.append(String.format(" %s %.2f inserted + %.2f updated (%.0f %% HOT);", table,
                    (now[0] - then[0]) / (double) Math.max(1, committed.get()),
                    updated / (double) Math.max(1, committed.get()),
                    100.0 * (now[2] - then[2]) / Math.max(1, updated)));
        }
        System.out.printf("   row writes per command:%s%n", rows);
        Map<String, Long> vacuums = autovacuums();
        vacuums.replaceAll((table, count) -> count - vacuumsBefore.getOrDefault(table, 0L));
        vacuums.values().removeIf(count -> count == 0);
        List<String> vacuuming = jdbc.sql("SELECT p.relid::regclass::text FROM pg_stat_progress_vacuum p"
                + " JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.backend_type = 'autovacuum worker'"
                + " AND p.datname = current_database()").query(String.class).list();
        if (!vacuums.isEmpty() || !vacuuming.isEmpty()) {
            System.out.printf("   autovacuum: finished %s, still running %s%n", vacuums, vacuuming);
        }
        if (PG_LATENCY_MICROS > 0) {
            System.out.printf("   PostgreSQL requests per batch (all connections): %.1f%n",
                    (DelayingProxy.REQUESTS.get() - requestsBefore) / (double) Math.max(1, batches));
        }
    }

    /**
     * Rows inserted, updated and updated in place (HOT: no new index entries) so far by table: what the commits
     * cost PostgreSQL beyond the statement itself. The statistics are flushed about once a second, so a phase's
     * figures lag by up to that.
     */
    private Map<String, long[]> rowWrites() {
        Map<String, long[]> writes = new TreeMap<>();
        jdbc.sql("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables")
                .query((ResultSet row) -> {
                    writes.put(row.getString(1), new long[] {row.getLong(2), row.getLong(3), row.getLong(4)});
                });
        return writes;
    }

    /** Autovacuum runs so far by table: a vacuum of a large table takes CPU and I/O from the commits. */
    private Map<String, Long> autovacuums() {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.sql("SELECT relname, autovacuum_count FROM pg_stat_user_tables")
                .query((ResultSet row) -> {
                    counts.put(row.getString(1), row.getLong(2));
                });
        return counts;
    }

    /**
     * A TCP proxy that holds every chunk for a fixed time before forwarding it (two threads per connection, one
     * per direction), so each statement round trip to PostgreSQL takes about twice the delay longer.
     */
    private static final class DelayingProxy {

        static int start(String host, int port, long delayMicros) throws IOException {
            ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("pg-delay-accept").start(() -> {
                while (true) {
                    try {
                        Socket client = server.accept();
                        Socket upstream = new Socket(host, port);
                        client.setTcpNoDelay(true);
                        upstream.setTcpNoDelay(true);
                        pump(client, upstream, delayMicros, REQUESTS);
                        pump(upstream, client, delayMicros, new AtomicLong());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return server.getLocalPort();
        }

        /** Chunks sent towards PostgreSQL: about one per round trip the application waits for. */
        static final AtomicLong REQUESTS = new AtomicLong();

        private static void pump(Socket from, Socket to, long delayMicros, AtomicLong chunks) {
            Thread.ofPlatform().daemon().name("pg-delay").start(() -> {
                byte[] buffer = new byte[64 * 1024];
                try (from; to) {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        chunks.incrementAndGet();
                        Thread.sleep(Duration.ofNanos(delayMicros * 1000));
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // connection closed
                }
            });
        }
    }

    private double totalMillis(String timer) {
        Timer t = meters.get(timer).timer();
        return t.totalTime(TimeUnit.MILLISECONDS);
    }

    /**
     * The {@code "id"} of an order reply, found by hand: a regular expression here was a tenth of the JVM's Java
     * samples at 12,000 commands/s, CPU the load generator took from the pipeline it measures.
     */
    private static long orderId(String body) {
        int start = body.indexOf("\"id\":\"") + 6;
        return Long.parseLong(body, start, body.indexOf('"', start), 10);
    }

    /** 50% limit near the touch, 10% crossing IOC, 35% cancel, 5% post-only: the engine benchmark's mix. */
    private void submit(SplittableRandom random, long firstAccount, ConcurrentLinkedQueue<Resting> resting,
            AtomicLong committed, AtomicLong failed) {
        long account = firstAccount + random.nextInt(ACCOUNTS);
        boolean bid = random.nextBoolean();
        int kind = random.nextInt(100);
        StreamCommand command;
        if (kind < 35) {
            Resting order = resting.poll();
            command = order == null
                    ? StreamCommand.cancelAll(account, "SOL_USDC")
                    : StreamCommand.cancel(order.account(), "SOL_USDC", order.orderId(), StreamCommand.NO_CLIENT_ID);
        } else {
            long price = 10_000 + (bid ? -1 : 1) * (1 + random.nextInt(50));
            boolean crossing = kind < 45;
            if (crossing) {
                price = 10_000 + (bid ? 60 : -60);
            }
            command = StreamCommand.place(account, "SOL_USDC", bid ? "Bid" : "Ask", "Limit", price,
                    1 + random.nextInt(100), 0, crossing ? "IOC" : "GTC", kind >= 95, "RejectTaker",
                    StreamCommand.NO_CLIENT_ID);
        }
        try {
            EngineReply reply = bus.submit(command);
            committed.incrementAndGet();
            if (reply.status() == 200 && command.type().equals(StreamCommand.PLACE) && reply.body().contains("\"New\"")) {
                resting.add(new Resting(account, orderId(reply.body())));
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        }
    }
}
