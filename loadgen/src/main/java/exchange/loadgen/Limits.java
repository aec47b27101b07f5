package exchange.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The physical ceilings an order has to pass through, each measured alone for the same time, so a run's
 * numbers can be read as ratios of them: an almost empty HTTP endpoint of the router with the run's client
 * concurrency, ED25519 verification (what the router does per signed request), a PostgreSQL commit loop and a
 * Redis round trip loop (what the engine pipeline does per batch and per command).
 */
final class Limits {

    /** One probe's result; latencies in microseconds, -1 where not measured. */
    record Probe(String name, long operations, double seconds, long p50, long p99, long p999, String note) {

        double perSecond() {
            return seconds <= 0 ? 0 : operations / seconds;
        }

        static Probe of(String name, long operations, double seconds, Histogram h, String note) {
            if (h == null || h.getTotalCount() == 0) {
                return new Probe(name, operations, seconds, -1, -1, -1, note);
            }
            return new Probe(name, operations, seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), note);
        }
    }

    private final Options options;
    private final Duration duration;

    Limits(Options options) {
        this.options = options;
        this.duration = options.duration();
    }

    List<Probe> run() throws Exception {
        List<Probe> probes = new ArrayList<>();
        System.out.printf("Measuring each ceiling alone for %.1f s...%n", duration.toMillis() / 1000.0);
        probes.add(httpPing());
        probes.add(ed25519Verify(1));
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores > 1) {
            probes.add(ed25519Verify(cores));
        }
        probes.add(ed25519Sign());
        probes.add(postgresCommits(true));
        probes.add(postgresCommits(false));
        probes.add(redisPing());
        return probes;
    }

    private Probe httpPing() throws InterruptedException {
        try (ExchangeClient client = new ExchangeClient(options.restUrl(), options.adminUrl(), "",
                Duration.ofSeconds(10), options.concurrency() + 16)) {
            ExchangeClient.Response first = client.get("/api/v1/ping");
            if (!first.ok()) {
                return new Probe("HTTP GET /api/v1/ping", 0, 0, -1, -1, -1,
                        "router not answering: " + first.status() + " " + first.body());
            }
            Recorder recorder = new Recorder(3);
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            // Warm the connections and the JIT on both sides for a second, then measure.
            long warm = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < options.concurrency(); i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        ExchangeClient.Response r = client.get("/api/v1/ping");
                        long t1 = System.nanoTime();
                        if (t0 >= warm) {
                            if (r.ok()) {
                                recorder.recordValue((t1 - t0) / 1000);
                                done.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            Thread.sleep(1000);
            recorder.reset();
            done.set(0);
            Long router = routerPid();
            long self = ProcessHandle.current().pid();
            ProcessStats.Sample routerBefore = router == null ? null : ProcessStats.sample(router);
            ProcessStats.Sample selfBefore = ProcessStats.sample(self);
            long start = System.nanoTime();
            Thread.sleep(duration.toMillis());
            long n = done.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            Histogram h = recorder.getIntervalHistogram();
            String cpu = "; CPU: loadgen " + cores(selfBefore, ProcessStats.sample(self), seconds)
                    + (router == null ? "" : ", router " + cores(routerBefore, ProcessStats.sample(router), seconds));
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            return Probe.of("HTTP GET /api/v1/ping, " + options.concurrency() + " clients", n, seconds, h,
                    (failed.get() == 0 ? "Apache HttpClient, HTTP/1.1 keep-alive" : failed.get() + " failed") + cpu);
        }
    }

    private Long routerPid() {
        try {
            URI uri = URI.create(options.restUrl());
            return ProcessStats.listeners(Map.of("router", uri.getPort())).get("router");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String cores(ProcessStats.Sample before, ProcessStats.Sample after, double seconds) {
        double cpu = (after.cpuTicks() - before.cpuTicks()) / (double) ProcessStats.TICKS_PER_SECOND;
        return String.format(Locale.ROOT, "%.0f%%", 100 * cpu / seconds);
    }

    private Probe ed25519Verify(int threads) throws InterruptedException {
        Ed25519Signer signer = Ed25519Signer.generate(new SecureRandom());
        byte[] message = SigningString.of("orderExecute", Map.of("symbol", "SOL_USDC", "side", "Bid",
                "orderType", "Limit", "price", "101.25", "quantity", "1.5", "timeInForce", "GTC", "clientId", 42L),
                System.currentTimeMillis(), 5000).getBytes(StandardCharsets.UTF_8);
        byte[] signature = signer.signBytes(message);
        // As the router does: the key's point decoded once, then verified per request.
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(signer.publicKey(), 0);
        return cpuLoop("ED25519 verify, " + threads + " thread" + (threads > 1 ? "s" : ""), threads, () -> {
            if (!Ed25519.verify(signature, 0, point, message, 0, message.length)) {
                throw new IllegalStateException("verification failed");
            }
        }, "BouncyCastle, pre-decoded key, " + message.length + "-byte signing string");
    }

    private Probe ed25519Sign() throws InterruptedException {
        Ed25519Signer signer = Ed25519Signer.generate(new SecureRandom());
        byte[] message = new byte[150];
        return cpuLoop("ED25519 sign, 1 thread", 1, () -> signer.signBytes(message),
                "the load generator's own cost per signed request");
    }

    private Probe cpuLoop(String name, int threads, Runnable operation, String note) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong count = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                long local = 0;
                while (!stop.get()) {
                    operation.run();
                    if (measuring.get()) {
                        local++;
                    }
                }
                count.addAndGet(local);
            }));
        }
        Thread.sleep(1000);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        return new Probe(name, count.get(), seconds, -1, -1, -1, note);
    }

    /**
     * Single-row INSERT + COMMIT on one connection. A temporary table writes no WAL for its rows, so PostgreSQL
     * does not flush the WAL at commit: that measures the round trips. A regular table (created and dropped
     * here) pays the WAL flush (fsync) per commit, as the engine's batch transactions do.
     */
    private Probe postgresCommits(boolean temporary) {
        String name = "PostgreSQL INSERT+COMMIT, " + (temporary ? "temp table" : "regular table");
        String table = temporary ? "loadgen_commit_probe_tmp" : "loadgen_commit_probe";
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(),
                options.jdbcPassword())) {
            try (Statement s = c.createStatement()) {
                s.execute(temporary
                        ? "CREATE TEMP TABLE " + table + " (id bigint, payload text)"
                        : "CREATE TABLE IF NOT EXISTS " + table + " (id bigint, payload text)");
            }
            c.setAutoCommit(false);
            Histogram h = new Histogram(3);
            long n = 0;
            double seconds;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                long warm = System.nanoTime() + 1_000_000_000L;
                long i = 0;
                while (System.nanoTime() < warm) {
                    commitOne(c, insert, i++);
                }
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                long now = start;
                while (now < end) {
                    commitOne(c, insert, i++);
                    long after = System.nanoTime();
                    h.recordValue((after - now) / 1000);
                    now = after;
                    n++;
                }
                seconds = (now - start) / 1e9;
            } finally {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
            }
            String fsync = setting(c, "fsync") + ", synchronous_commit " + setting(c, "synchronous_commit");
            return Probe.of(name, n, seconds, h, temporary ? "no WAL flush at commit" : "WAL flush per commit (fsync "
                    + fsync + ")");
        } catch (SQLException e) {
            return new Probe(name, 0, 0, -1, -1, -1, "failed: " + e.getMessage());
        }
    }

    private static void commitOne(Connection c, PreparedStatement insert, long i) throws SQLException {
        insert.setLong(1, i);
        insert.setString(2, "order");
        insert.executeUpdate();
        c.commit();
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    /** PING / +PONG over one plain socket in RESP, one at a time. */
    private Probe redisPing() {
        String name = "Redis PING round trip";
        byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(options.redisHost(), options.redisPort()), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            Histogram h = new Histogram(3);
            long warm = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < warm) {
                roundTrip(out, in, ping, reply);
            }
            long n = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long now = start;
            while (now < end) {
                roundTrip(out, in, ping, reply);
                long after = System.nanoTime();
                h.recordValue((after - now) / 1000);
                now = after;
                n++;
            }
            return Probe.of(name, n, (now - start) / 1e9, h, "one connection, " + options.redisHost() + ":"
                    + options.redisPort());
        } catch (IOException e) {
            return new Probe(name, 0, 0, -1, -1, -1, "failed: " + e);
        }
    }

    private static void roundTrip(OutputStream out, InputStream in, byte[] ping, byte[] reply) throws IOException {
        out.write(ping);
        out.flush();
        int read = 0;
        while (read < reply.length) {
            int n = in.read(reply, read, reply.length - read);
            if (n < 0) {
                throw new IOException("Redis closed the connection");
            }
            read += n;
        }
        if (reply[0] != '+') {
            throw new IOException("Unexpected reply " + new String(reply, StandardCharsets.US_ASCII).trim());
        }
    }

    static String table(List<Probe> probes) {
        StringBuilder out = new StringBuilder(String.format("%nPhysical ceilings (each alone)%n"));
        out.append(String.format("%-44s %12s %9s %9s %9s  %s%n", "what", "ops/s", "p50 ms", "p99 ms", "p99.9 ms",
                "note"));
        for (Probe p : probes) {
            out.append(String.format(Locale.ROOT, "%-44s %12s %9s %9s %9s  %s%n", p.name(),
                    String.format(Locale.ROOT, "%,.0f", p.perSecond()), Report.ms(p.p50()), Report.ms(p.p99()),
                    Report.ms(p.p999()), p.note()));
        }
        return out.toString();
    }
}
