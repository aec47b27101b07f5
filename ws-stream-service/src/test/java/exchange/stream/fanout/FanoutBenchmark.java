package exchange.stream.fanout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import exchange.devstack.TestInfrastructure;
import exchange.stream.TestData;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Fan-out benchmark (not a pass/fail test): ws-stream runs as its own JVM (the image's JVM options with a 512 MB
 * heap, or {@code -Dbench.jvmArgs}; the test class path), N real
 * WebSocket clients ({@link LoadClients}: raw sockets on two selector threads) each subscribe to {@code trade.SOL_USDC} and {@code depth.SOL_USDC}, and a
 * publisher plays the engine at R events/s for D seconds, alternating trade and depth envelopes whose {@code T} is
 * the publish time. Reports delivered messages/s against expected, latency from {@code T} to client receipt
 * (p50/p99/p99.9/max), clients dropped, and heap per idle subscribed connection (server heap after a full GC,
 * before and after connecting the clients, through jcmd and the Prometheus endpoint).
 *
 * <pre>
 * ./mvnw -B -o -pl ws-stream-service test -Pslow -Dtest=FanoutBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.clients=2000 -Dbench.rate=1000 -Dbench.seconds=20
 * </pre>
 */
@Tag("perf")
class FanoutBenchmark {

    private final int clients = Integer.getInteger("bench.clients", 2000);
    private final int rate = Integer.getInteger("bench.rate", 1000);
    private final int seconds = Integer.getInteger("bench.seconds", 20);
    private final int warmupSeconds = Integer.getInteger("bench.warmup", 8);

    @Test
    void fanOut() throws Exception {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        Map<String, String> properties = infrastructure.springProperties();
        TestData.markets(properties.get("spring.datasource.url"));
        int port = TestInfrastructure.freePort();
        Path log = Files.createTempFile("ws-stream-bench", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The JVM options of the service's image (ws-stream-service/pom.xml, jib), with a fixed 512 MB heap.
        for (String argument : System.getProperty("bench.jvmArgs", "-Xms512m -Xmx512m -XX:+ExitOnOutOfMemoryError"
                + " --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=10").split(" ")) {
            if (!argument.isBlank()) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "exchange.stream.StreamApplication",
                "--server.port=" + port, "--exchange.stream.max-connections=" + (clients + 100),
                "--logging.level.root=WARN"));
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        for (String argument : System.getProperty("bench.serverArgs", "").split(" ")) {
            if (!argument.isBlank()) {
                command.add(argument);
            }
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        LoadClients loadClients = null;
        try {
            awaitReady(http, port, server);
            long heapBefore = heapAfterGc(http, port, server.pid());

            LoadClients load = new LoadClients(2);
            loadClients = load;
            for (int i = 0; i < clients; i++) {
                load.connect(port, "{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\",\"depth.SOL_USDC\"]}");
            }
            Thread.sleep(2000);
            long heapAfter = heapAfterGc(http, port, server.pid());

            RedisClient redis = RedisClient.create(
                    "redis://" + infrastructure.redisHost() + ":" + infrastructure.redisPort());
            long published;
            long baseline;
            long readsBefore;
            String droppedInWarmup;
            long serverCpuBefore;
            long clientCpuBefore;
            long start;
            try (StatefulRedisConnection<String, String> connection = redis.connect()) {
                RedisAsyncCommands<String, String> commands = connection.async();
                // Warm-up so the JIT has compiled the paths that are measured, stepped up to the rate: at full rate from the first second both JVMs compile while 2,000,000 deliveries a second queue
                // up, and a client cut off as a slow consumer then stays away for the whole measured phase.
                long warmup = rampUp(commands);
                Thread.sleep(1000);
                baseline = loadClients.received();
                readsBefore = loadClients.reads();
                droppedInWarmup = metric(get(http, port, "/actuator/prometheus"), "stream_clients_dropped_total");
                loadClients.resetLatency();
                serverCpuBefore = cpuNanos(server);
                clientCpuBefore = ownCpuNanos();
                start = System.nanoTime();
                published = publish(commands, warmup, (long) rate * seconds);
            } finally {
                redis.shutdown();
            }
            long expected = published * clients;
            // Drained: everything arrived, or nothing more for 3 s (dropped clients never get theirs), or 30 s.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (loadClients.received() - baseline < expected && System.nanoTime() < deadline
                    && System.nanoTime() - loadClients.lastReceivedNanos() < TimeUnit.SECONDS.toNanos(3)) {
                Thread.sleep(100);
            }
            long delivered = loadClients.received() - baseline;
            long reads = loadClients.reads() - readsBefore;
            double elapsed = Math.max(1e-3, (loadClients.lastReceivedNanos() - start) / 1e9);
            double serverCpu = (cpuNanos(server) - serverCpuBefore) / 1e9;
            double clientCpu = (ownCpuNanos() - clientCpuBefore) / 1e9;
            Histogram histogram = loadClients.latency();
            String metrics = get(http, port, "/actuator/prometheus");
            System.out.printf("""

                    === FanoutBenchmark: %d clients x (trade + depth), %d events/s for %d s ===
                    published events      %d
                    delivered / expected  %d / %d (%.3f%%)
                    delivered msgs/s      %.0f (over %.1f s, to the last message received)
                    client reads/s        %.0f (%.1f messages a read)
                    latency T->client µs  p50 %d  p99 %d  p99.9 %d  max %d
                    clients dropped       %s (of which in the warm-up: %s)
                    heap per idle conn    %.1f KB (server heap %d MB -> %d MB after GC)
                    CPU per delivered msg server %.2f µs (%.2f cores), load clients + publisher %.2f µs (%.2f cores)
                    %n""", clients, rate, seconds, published, delivered, expected,
                    100.0 * delivered / expected, delivered / elapsed, elapsed,
                    reads / elapsed, (double) delivered / Math.max(1, reads),
                    histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9), histogram.getMaxValue(),
                    metric(metrics, "stream_clients_dropped_total"), droppedInWarmup,
                    (heapAfter - heapBefore) / 1024.0 / clients, heapBefore >> 20, heapAfter >> 20,
                    serverCpu * 1e6 / Math.max(1, delivered), serverCpu / elapsed,
                    clientCpu * 1e6 / Math.max(1, delivered), clientCpu / elapsed);
        } finally {
            if (loadClients != null) {
                loadClients.close();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long cpuNanos(Process process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** CPU time of this JVM: the load clients' selector threads, the publisher and the test harness. */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Seconds of the warm-up's ramp: one step a second, 1/RAMP_STEPS of the rate more each. */
    private static final int RAMP_STEPS = 5;

    /**
     * The warm-up: {@code warmupSeconds} of publishing, one second at a time, at 20, 40, 60, 80 and then 100 % of
     * the rate; returns the events published.
     */
    private long rampUp(RedisAsyncCommands<String, String> commands) {
        long published = 0;
        long rampStart = System.nanoTime();
        for (int second = 0; second < warmupSeconds; second++) {
            long events = (long) rate * Math.min(second + 1, RAMP_STEPS) / RAMP_STEPS;
            // Each step starts on its own second, however early the previous one sent its last event.
            published += publish(commands, published, events, events, rampStart + second * 1_000_000_000L);
        }
        return published;
    }

    /** Publishes {@code count} events at {@code rate} per second, sequence numbers from {@code first}. */
    private long publish(RedisAsyncCommands<String, String> commands, long first, long count) {
        return publish(commands, first, count, rate, System.nanoTime());
    }

    /** Publishes {@code count} events at {@code perSecond} from {@code start}, sequence numbers from {@code first}. */
    private long publish(RedisAsyncCommands<String, String> commands, long first, long count, long perSecond,
            long start) {
        for (long i = 0; i < count; i++) {
            long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sequence = first + i;
            commands.publish(sequence % 2 == 0 ? "trade.SOL_USDC" : "depth.SOL_USDC", event(sequence));
        }
        return count;
    }

    private static String event(long sequence) {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        if (sequence % 2 == 0) {
            return "{\"stream\":\"trade.SOL_USDC\",\"data\":{\"e\":\"trade\",\"E\":" + micros
                    + ",\"s\":\"SOL_USDC\",\"p\":\"101.25\",\"q\":\"0.5\",\"b\":\"111\",\"a\":\"222\",\"t\":" + sequence
                    + ",\"T\":" + micros + ",\"m\":true}}";
        }
        return "{\"stream\":\"depth.SOL_USDC\",\"data\":{\"e\":\"depth\",\"E\":" + micros
                + ",\"s\":\"SOL_USDC\",\"a\":[[\"101.30\",\"12.5\"]],\"b\":[[\"101.20\",\"0\"]],\"U\":" + sequence
                + ",\"u\":" + sequence + ",\"T\":" + micros + "}}";
    }

    private static void awaitReady(HttpClient http, int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("ws-stream exited");
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("ws-stream not ready");
    }

    private static long heapAfterGc(HttpClient http, int port, long pid) throws Exception {
        for (int i = 0; i < 2; i++) {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(30, TimeUnit.SECONDS);
        }
        String metrics = get(http, port, "/actuator/prometheus");
        long heap = 0;
        Matcher matcher = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+]+)").matcher(metrics);
        while (matcher.find()) {
            heap += (long) Double.parseDouble(matcher.group(1));
        }
        return heap;
    }

    private static String get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String metric(String metrics, String name) {
        StringBuilder found = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name)) {
                found.append(line, name.length(), line.length()).append(' ');
            }
        }
        return found.isEmpty() ? "0" : found.toString().trim();
    }
}
