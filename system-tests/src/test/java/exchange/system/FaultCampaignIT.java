package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import exchange.devstack.EmbeddedPostgres;
import exchange.devstack.EmbeddedRedis;
import exchange.devstack.ManagedProcess;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign: two routers, two ws-stream instances, PostgreSQL and Redis as separate processes, under
 * steady signed order flow from traders that retry with the same clientId (as ccxt users do on 503 or a lost
 * connection) and WebSocket clients that reconnect. One after another: SIGKILL of the engine leader, SIGKILL of
 * a ws-stream instance, a Redis restart (empty), a PostgreSQL restart, and a SIGSTOP of the leader past its
 * lease followed by SIGCONT. For each it measures the time until orders are acknowledged again (and, for
 * ws-stream, until the disconnected client receives trades again). At the end: every acknowledged order is in
 * PostgreSQL exactly once, every order's fills add up to its executed quantity (no fill applied twice), funds
 * are conserved, locked funds equal what open orders lock, and every WebSocket client is receiving again.
 *
 * <p>{@code -Dexchange.campaign.rounds=N} repeats the five faults N times (default 1, the CI version) and
 * {@code -Dexchange.campaign.steady=10s} sets the load time between faults (default 3 s).
 */
class FaultCampaignIT {

    private static final Pattern ORDER_ID = Pattern.compile("\"id\":\"(\\d+)\"");
    private static final String TOKEN = "campaign-admin-token";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private EmbeddedRedis redis;
    private int postgresPort;
    private int redisPort;
    private String database;
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private volatile boolean loadRunning = true;

    /** One app instance; {@code process} is replaced when it is restarted. */
    static final class App {
        final String name;
        final String jar;
        final int port;
        final int adminPort;
        volatile ManagedProcess process;

        App(String name, String jar, int port, int adminPort) {
            this.name = name;
            this.jar = jar;
            this.port = port;
            this.adminPort = adminPort;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    record Ack(long orderId, long sentNanos, long ackNanos) {
    }

    record Outcome(String fault, double recoverySeconds, String detail) {
    }

    @AfterEach
    void tearDown() {
        loadRunning = false;
        for (App app : apps.values()) {
            if (app.process != null) {
                signal(app.process, "CONT");
                app.process.stop(Duration.ofSeconds(15));
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void noAcknowledgedOrderIsLostOrAppliedTwiceAcrossTheFaults() throws Exception {
        int rounds = Integer.getInteger("exchange.campaign.rounds", 1);
        Duration steady = Duration.parse("PT" + System.getProperty("exchange.campaign.steady", "3s").toUpperCase());

        postgresPort = TestInfrastructure.freePort();
        redisPort = TestInfrastructure.freePort();
        postgres = EmbeddedPostgres.start(work.resolve("pg"), postgresPort, true);
        postgres.createDatabaseIfMissing("exchange");
        database = postgres.jdbcUrl("exchange") + "?user=postgres";
        redis = EmbeddedRedis.start(work.resolve("redis"), redisPort);

        String routerJar = System.getProperty("exchange.router.jar");
        String wsJar = System.getProperty("exchange.ws.jar");
        for (String name : List.of("router-a", "router-b")) {
            apps.put(name, new App(name, routerJar, TestInfrastructure.freePort(), TestInfrastructure.freePort()));
        }
        for (String name : List.of("ws-a", "ws-b")) {
            apps.put(name, new App(name, wsJar, TestInfrastructure.freePort(), 0));
        }
        for (App app : apps.values()) {
            start(app);
        }
        for (App app : apps.values()) {
            awaitReady(app);
        }
        StackSupport.awaitDemoMarkets(database);

        // Clients give up on a request after 2 s and retry on the other replica, as behind a Service.
        SignedClient seller = new SignedClient(Duration.ofSeconds(2));
        SignedClient buyer = new SignedClient(Duration.ofSeconds(2));
        String admin = "http://127.0.0.1:" + apps.get("router-a").adminPort;
        long sellerId = StackSupport.fundedAccount(admin, TOKEN, seller, "SOL", "1000000");
        long buyerId = StackSupport.fundedAccount(admin, TOKEN, buyer, "USDC", "1000000000");

        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> refusals = new ConcurrentHashMap<>();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> traders = List.of(
                Thread.ofVirtual().start(() -> trade(seller, "Ask", 0, acks, refusals, unexpected)),
                Thread.ofVirtual().start(() -> trade(buyer, "Bid", 1, acks, refusals, unexpected)));
        Watcher watcherA = new Watcher(apps.get("ws-a"), apps.get("ws-b"));
        Watcher watcherB = new Watcher(apps.get("ws-b"), apps.get("ws-a"));
        watcherA.connect();
        watcherB.connect();

        List<Outcome> outcomes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Thread.sleep(steady.toMillis());
            App leader = leader();
            long fault = System.nanoTime();
            leader.process.kill();
            outcomes.add(new Outcome("kill -9 engine leader (" + leader.name + ")", awaitAckAfter(acks, fault),
                    "standby takes over after the lease"));
            start(leader);
            awaitReady(leader);

            Thread.sleep(steady.toMillis());
            App ws = watcherA.connectedTo();
            long framesBefore = watcherA.frames.get();
            fault = System.nanoTime();
            ws.process.kill();
            double wsRecovery = watcherA.awaitFrameAfter(fault, framesBefore);
            outcomes.add(new Outcome("kill -9 ws-stream (" + ws.name + ")", wsRecovery,
                    "its client reconnects to the other instance and receives trades again"));
            start(ws);
            awaitReady(ws);

            Thread.sleep(steady.toMillis());
            redis.close();
            Thread.sleep(1_000);
            redis = EmbeddedRedis.start(work.resolve("redis"), redisPort);
            long back = System.nanoTime();
            outcomes.add(new Outcome("restart Redis (1 s down, comes back empty): from back up",
                    awaitAckAfter(acks, back), "ws clients receiving again after "
                            + receivingAgain(watcherA, watcherB, back)));

            Thread.sleep(steady.toMillis());
            postgres.close();
            Thread.sleep(2_000);
            postgres = EmbeddedPostgres.start(work.resolve("pg"), postgresPort, true);
            back = System.nanoTime();
            outcomes.add(new Outcome("restart PostgreSQL (2 s down): from back up", awaitAckAfter(acks, back),
                    "requests wait or are refused while down; the same processes resume"));

            Thread.sleep(steady.toMillis());
            leader = leader();
            fault = System.nanoTime();
            signal(leader.process, "STOP");
            Thread.sleep(8_000);
            App leaderDuringPause = leader();
            signal(leader.process, "CONT");
            assertThat(leaderDuringPause).as("the standby took over while the leader was paused")
                    .isNotSameAs(leader);
            outcomes.add(new Outcome("SIGSTOP engine leader 8 s (lease 3 s), then SIGCONT (" + leader.name + ")",
                    awaitAckAfter(acks, fault), "standby takes over during the pause; the old leader is fenced"));
        }
        Thread.sleep(steady.toMillis());
        loadRunning = false;
        for (Thread trader : traders) {
            trader.join(Duration.ofSeconds(60));
        }
        long settled = System.nanoTime();
        double receivingA = watcherA.awaitFrameAfter(settled - Duration.ofSeconds(3).toNanos(), 0);
        double receivingB = watcherB.awaitFrameAfter(settled - Duration.ofSeconds(3).toNanos(), 0);

        System.out.println("fault campaign, " + rounds + " round(s), " + steady.toSeconds() + " s steady load between faults");
        System.out.printf("%-70s %12s  %s%n", "fault", "recovery s", "note");
        for (Outcome o : outcomes) {
            System.out.printf("%-70s %12.2f  %s%n", o.fault(), o.recoverySeconds(), o.detail());
        }
        System.out.printf("orders acknowledged: %d; refused and retried: %s; ws reconnects: %d + %d, book re-syncs: "
                + "%d + %d%n", acks.size(), refusals, watcherA.reconnects.get(), watcherB.reconnects.get(),
                watcherA.resyncs.get(), watcherB.resyncs.get());
        DepthBook rest = DepthBook.parse(restDepth());
        String bookA = watcherA.differenceFrom(rest);
        String bookB = watcherB.differenceFrom(rest);
        System.out.printf("ws clients' books vs GET /api/v1/depth at update %d: A %s, B %s%n", rest.lastUpdateId,
                bookA == null ? "equal" : bookA, bookB == null ? "equal" : bookB);

        assertThat(unexpected).as("answers that are neither 200 nor a retryable refusal").isEmpty();
        assertThat(receivingA).as("ws client A receives trades at the end").isGreaterThanOrEqualTo(0);
        assertThat(receivingB).as("ws client B receives trades at the end").isGreaterThanOrEqualTo(0);
        assertThat(bookA).as("ws client A's book (snapshot + deltas, re-synced after faults)").isNull();
        assertThat(bookB).as("ws client B's book (snapshot + deltas, re-synced after faults)").isNull();
        verify(acks, sellerId, buyerId);
        for (App app : apps.values()) {
            assertThat(app.process.isAlive()).as("%s alive at the end", app.name).isTrue();
        }
    }

    private void verify(ConcurrentLinkedQueue<Ack> acks, long sellerId, long buyerId) throws Exception {
        try (Connection c = DriverManager.getConnection(database); Statement s = c.createStatement()) {
            Long[] ids = acks.stream().map(Ack::orderId).toArray(Long[]::new);
            var query = c.prepareStatement("SELECT count(*) FROM orders WHERE id = ANY(?)");
            query.setArray(1, c.createArrayOf("bigint", ids));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("acknowledged orders found in PostgreSQL").isEqualTo(ids.length);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT account_id, client_id FROM orders "
                    + "WHERE account_id IN (" + sellerId + ", " + buyerId + ") GROUP BY account_id, client_id "
                    + "HAVING count(*) > 1) d")) {
                rs.next();
                assertThat(rs.getInt(1)).as("clientIds placed more than once").isZero();
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(*) FROM orders o WHERE o.executed_quantity <> coalesce((SELECT sum(t.quantity)
                      FROM trade t WHERE t.maker_order_id = o.id OR t.taker_order_id = o.id), 0)""")) {
                rs.next();
                assertThat(rs.getInt(1)).as("orders whose fills do not add up to their executed quantity").isZero();
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) - count(DISTINCT (maker_order_id, taker_order_id)) "
                    + "FROM trade")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the same maker/taker match recorded twice").isZero();
            }
            StackSupport.assertFundsConserved(s);
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(*) FROM balance b WHERE b.locked <> coalesce((SELECT sum(o.locked) FROM orders o
                        JOIN market m ON m.symbol = o.symbol
                        WHERE o.account_id = b.account_id AND o.status IN ('New', 'PartiallyFilled')
                          AND CASE o.side WHEN 'Bid' THEN m.quote_symbol ELSE m.base_symbol END = b.asset), 0)""")) {
                rs.next();
                assertThat(rs.getInt(1)).as("balances whose locked funds differ from their open orders").isZero();
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM trade")) {
                rs.next();
                System.out.printf("verified: %d acknowledged orders exactly once, %d trades, funds conserved%n",
                        ids.length, rs.getLong(1));
            }
        }
    }

    /** Places crossing orders forever; a refused or lost request is retried with the same clientId. */
    private void trade(SignedClient client, String side, int preferred, ConcurrentLinkedQueue<Ack> acks,
            Map<Integer, AtomicInteger> refusals, List<String> unexpected) {
        List<App> routers = List.of(apps.get("router-a"), apps.get("router-b"));
        int current = preferred;
        long clientId = 0;
        while (loadRunning) {
            clientId++;
            Map<String, Object> order = new HashMap<>();
            order.put("symbol", "SOL_USDC");
            order.put("side", side);
            order.put("orderType", "Limit");
            // Every fourth ask rests one tick above the bids, so the book is never empty.
            order.put("price", side.equals("Ask") && clientId % 4 == 0 ? "100.01" : "100");
            order.put("quantity", "0.5");
            order.put("clientId", clientId);
            long firstSent = System.nanoTime();
            while (true) {
                long sent = System.nanoTime();
                try {
                    HttpResponse<String> response = client.send(routers.get(current).url(), "POST", "/api/v1/order",
                            "orderExecute", order);
                    if (response.statusCode() == 200) {
                        Matcher id = ORDER_ID.matcher(response.body());
                        if (id.find()) {
                            acks.add(new Ack(Long.parseLong(id.group(1)), sent, System.nanoTime()));
                        } else {
                            unexpected.add(response.body());
                        }
                        break;
                    }
                    refusals.computeIfAbsent(response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    // A request held up past its signature window (here: by a paused process) is refused unapplied;
                    // the client signs it again with a fresh timestamp and the same clientId.
                    boolean expired = response.statusCode() == 401 && response.body().contains("expired");
                    if (response.statusCode() != 503 && !expired) {
                        unexpected.add(response.statusCode() + " " + response.body());
                        break;
                    }
                } catch (Exception lost) {
                    // No answer (process killed or paused, connection refused): try the other replica.
                    refusals.computeIfAbsent(0, k -> new AtomicInteger()).incrementAndGet();
                    current = 1 - current;
                }
                if (System.nanoTime() - firstSent > Duration.ofSeconds(90).toNanos()) {
                    unexpected.add("clientId " + clientId + " not acknowledged within 90 s");
                    break;
                }
                sleepQuietly(100);
            }
            sleepQuietly(5);
        }
    }

    /** Seconds from the fault until an order first sent after it is acknowledged. */
    private static double awaitAckAfter(ConcurrentLinkedQueue<Ack> acks, long fault) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            long first = acks.stream().filter(a -> a.sentNanos() > fault).mapToLong(Ack::ackNanos).min()
                    .orElse(Long.MAX_VALUE);
            if (first != Long.MAX_VALUE) {
                return (first - fault) / 1e9;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no order acknowledged within 90 s of the fault");
    }

    private static String receivingAgain(Watcher a, Watcher b, long fault) throws InterruptedException {
        return String.format("%.1f s / %.1f s", a.awaitFrameAfter(fault, 0), b.awaitFrameAfter(fault, 0));
    }

    /**
     * A WebSocket client on {@code trade.SOL_USDC} and {@code depth.SOL_USDC} that reconnects (to the other
     * instance if its own is gone) and keeps a local book the way ccxt's watchOrderBook does: deltas buffered
     * until a REST snapshot arrives, re-synced from a new snapshot on every reconnect and every gap in U/u.
     */
    final class Watcher {
        private final App home;
        private final App other;
        final AtomicLong frames = new AtomicLong();
        final AtomicLong lastFrameNanos = new AtomicLong();
        final AtomicInteger reconnects = new AtomicInteger();
        final AtomicInteger resyncs = new AtomicInteger();
        private final AtomicReference<WebSocket> socket = new AtomicReference<>();
        private volatile App connectedTo;
        private final Object lock = new Object();
        private final List<String> buffered = new ArrayList<>();
        private DepthBook book;
        private boolean needSnapshot = true;

        Watcher(App home, App other) {
            this.home = home;
            this.other = other;
        }

        void connect() {
            Thread.ofVirtual().start(this::resyncLoop);
            Thread.ofVirtual().start(() -> {
                boolean useHome = true;
                while (loadRunning || socket.get() == null) {
                    App target = useHome ? home : other;
                    try {
                        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                                .buildAsync(URI.create("ws://127.0.0.1:" + target.port + "/"), new WebSocket.Listener() {
                                    private final StringBuilder partial = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                        partial.append(data);
                                        if (last) {
                                            onFrame(partial.toString());
                                            partial.setLength(0);
                                        }
                                        w.request(1);
                                        return null;
                                    }

                                    @Override
                                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                                        done.complete(null);
                                        return null;
                                    }

                                    @Override
                                    public void onError(WebSocket w, Throwable error) {
                                        done.complete(null);
                                    }
                                }).get(5, TimeUnit.SECONDS);
                        synchronized (lock) {
                            needSnapshot = true;
                            buffered.clear();
                        }
                        socket.set(ws);
                        connectedTo = target;
                        ws.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\",\"depth.SOL_USDC\"],"
                                + "\"id\":1}", true);
                        done.get();
                    } catch (Exception failed) {
                        useHome = !useHome;
                    }
                    if (!loadRunning) {
                        return;
                    }
                    reconnects.incrementAndGet();
                    sleepQuietly(200);
                }
            });
        }

        App connectedTo() {
            return connectedTo;
        }

        private void onFrame(String frame) {
            if (frame.contains("\"stream\":\"trade.SOL_USDC\"")) {
                frames.incrementAndGet();
                lastFrameNanos.set(System.nanoTime());
            } else if (frame.contains("\"stream\":\"depth.SOL_USDC\"")) {
                synchronized (lock) {
                    if (needSnapshot) {
                        buffered.add(frame);
                    } else if (!book.apply(frame)) {
                        needSnapshot = true;
                        buffered.add(frame);
                    }
                }
            }
        }

        /** Fetches a snapshot whenever one is needed, then replays the deltas buffered meanwhile. */
        private void resyncLoop() {
            while (loadRunning || needSnapshotNow()) {
                if (needSnapshotNow()) {
                    sleepQuietly(100);
                    String snapshot = restDepth();
                    if (snapshot != null) {
                        synchronized (lock) {
                            DepthBook fresh = DepthBook.parse(snapshot);
                            boolean consistent = true;
                            for (String frame : buffered) {
                                consistent &= fresh.apply(frame);
                            }
                            if (consistent) {
                                book = fresh;
                                buffered.clear();
                                needSnapshot = false;
                                resyncs.incrementAndGet();
                            }
                        }
                    }
                }
                sleepQuietly(50);
            }
        }

        private boolean needSnapshotNow() {
            synchronized (lock) {
                return needSnapshot;
            }
        }

        /** Waits until the local book has caught up with {@code rest} and returns how it differs, or null. */
        String differenceFrom(DepthBook rest) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (lock) {
                    if (!needSnapshot && book.lastUpdateId >= rest.lastUpdateId) {
                        if (book.lastUpdateId == rest.lastUpdateId && book.bids.equals(rest.bids)
                                && book.asks.equals(rest.asks)) {
                            return null;
                        }
                        return "book at update " + book.lastUpdateId + " (" + book.bids.size() + " bids, "
                                + book.asks.size() + " asks), REST at " + rest.lastUpdateId + " ("
                                + rest.bids.size() + " bids, " + rest.asks.size() + " asks)";
                    }
                }
                Thread.sleep(50);
            }
            synchronized (lock) {
                return "book never caught up with REST update " + rest.lastUpdateId + ": at "
                        + (book == null ? "none" : book.lastUpdateId) + ", waiting for a snapshot: " + needSnapshot;
            }
        }

        /** Seconds from {@code since} until a trade frame arrives after it (and after {@code framesBefore}). */
        double awaitFrameAfter(long since, long framesBefore) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                long last = lastFrameNanos.get();
                if (last > since && frames.get() > framesBefore) {
                    return (last - since) / 1e9;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("WebSocket client of " + home.name + " received no trade within 60 s");
        }
    }

    /** {@code GET /api/v1/depth} from whichever router answers, or null. */
    private String restDepth() {
        for (String name : List.of("router-a", "router-b")) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(apps.get(name).url()
                        + "/api/v1/depth?symbol=SOL_USDC&limit=1000")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (Exception unavailable) {
                // try the other replica
            }
        }
        return null;
    }

    private void start(App app) {
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", Integer.toString(app.port));
        env.put("SPRING_DATASOURCE_URL", database);
        env.put("SPRING_DATA_REDIS_HOST", "127.0.0.1");
        env.put("SPRING_DATA_REDIS_PORT", Integer.toString(redisPort));
        env.put("EXCHANGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        if (app.adminPort > 0) {
            env.put("EXCHANGE_ADMIN_PORT", Integer.toString(app.adminPort));
            env.put("EXCHANGE_ADMIN_TOKEN", TOKEN);
            env.put("EXCHANGE_DEMO_ENABLED", "true");
        }
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m",
                "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar", app.jar);
        app.process = ManagedProcess.start(app.name, command, env, work.resolve(app.name + ".log"), "TERM");
    }

    private void awaitReady(App app) {
        app.process.awaitCondition(() -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(app.url() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, "readiness", Duration.ofSeconds(120));
    }

    private App leader() throws Exception {
        try (Connection c = DriverManager.getConnection(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM engine_lease")) {
            rs.next();
            String holder = rs.getString(1);
            return apps.values().stream().filter(a -> a.adminPort > 0
                    && holder.endsWith("-" + a.process.pid())).findFirst()
                    .orElseThrow(() -> new AssertionError("no router holds the lease: " + holder));
        }
    }

    private static void signal(ManagedProcess process, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kill -" + signal + " failed", e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
