package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import exchange.devstack.ManagedProcess;
import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two router processes on one PostgreSQL and Redis. A client streams crossing orders through the standby
 * while the engine leader is killed with SIGKILL: the standby takes over within seconds, every order the
 * client saw acknowledged is in PostgreSQL exactly once with a consistent state, and funds are conserved.
 */
@ExtendWith(RealInfrastructure.class)
class RouterFailoverIT {

    private static final Pattern ORDER_ID = Pattern.compile("\"id\":\"(\\d+)\"");
    private static final String TOKEN = "failover-admin-token";

    @TempDir
    Path logs;

    private final List<ManagedProcess> routers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private String databaseUrl;

    record Router(ManagedProcess process, int port, int adminPort) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    @AfterEach
    void stop() {
        routers.forEach(router -> router.stop(Duration.ofSeconds(20)));
    }

    @Test
    void killingTheLeaderLosesNoAcknowledgedOrder() throws Exception {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        databaseUrl = infrastructure.newDatabase();
        int redisDatabase = infrastructure.nextRedisDatabase();
        Router first = start("router-a", redisDatabase);
        awaitReady(first);
        Router second = start("router-b", redisDatabase);
        awaitReady(second);
        StackSupport.awaitDemoMarkets(databaseUrl);

        Router leader = leaderOf(first, second);
        Router standby = leader == first ? second : first;

        SignedClient buyer = new SignedClient();
        SignedClient seller = new SignedClient();
        String admin = "http://127.0.0.1:" + standby.adminPort();
        long buyerId = StackSupport.fundedAccount(admin, TOKEN, buyer, "USDC", "1000000");
        long sellerId = StackSupport.fundedAccount(admin, TOKEN, seller, "SOL", "100000");

        Map<Long, String> acknowledged = new LinkedHashMap<>();
        long killedAt = 0;
        long firstAckAfterKill = 0;
        for (int i = 0; i < 240; i++) {
            SignedClient client = i % 2 == 0 ? seller : buyer;
            Map<String, Object> order = new HashMap<>();
            order.put("symbol", "SOL_USDC");
            order.put("side", i % 2 == 0 ? "Ask" : "Bid");
            order.put("orderType", "Limit");
            order.put("price", i % 2 == 0 ? "100" : "101");
            order.put("quantity", "1.5");
            order.put("clientId", (long) i);
            if (i == 80) {
                leader.process().kill();
                killedAt = System.nanoTime();
            }
            HttpResponse<String> response = placeWithRetries(standby, client, order);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            if (killedAt > 0 && firstAckAfterKill == 0) {
                firstAckAfterKill = System.nanoTime();
            }
            Matcher id = ORDER_ID.matcher(response.body());
            assertThat(id.find()).isTrue();
            acknowledged.put(Long.parseLong(id.group(1)), response.body());
        }
        double takeoverSeconds = (firstAckAfterKill - killedAt) / 1e9;
        System.out.printf("failover: first acknowledgement %.2f s after SIGKILL of the leader%n", takeoverSeconds);
        assertThat(takeoverSeconds).as("takeover time").isLessThan(10);

        try (Connection c = DriverManager.getConnection(databaseUrl); Statement s = c.createStatement()) {
            for (Long orderId : acknowledged.keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE id = " + orderId)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("order %d in PostgreSQL", orderId).isEqualTo(1);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE account_id IN (" + buyerId + ", "
                    + sellerId + ")")) {
                rs.next();
                assertThat(rs.getInt(1)).as("one order per clientId, no duplicates").isEqualTo(240);
            }
            StackSupport.assertFundsConserved(s);
            // Locked balances are exactly what the open orders hold.
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(*) FROM balance b WHERE b.locked <> coalesce((SELECT sum(o.locked) FROM orders o
                        WHERE o.account_id = b.account_id AND o.status IN ('New', 'PartiallyFilled')
                          AND ((o.side = 'Bid' AND b.asset = 'USDC') OR (o.side = 'Ask' AND b.asset = 'SOL'))), 0)""")) {
                rs.next();
                assertThat(rs.getInt(1)).as("balances whose locked funds differ from their open orders").isZero();
            }
        }
    }

    private HttpResponse<String> placeWithRetries(Router router, SignedClient client, Map<String, Object> order)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> response = client.send(router.url(), "POST", "/api/v1/order", "orderExecute", order);
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(100);
        }
    }

    private Router start(String name, int redisDatabase) {
        int port = TestInfrastructure.freePort();
        int adminPort = TestInfrastructure.freePort();
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("EXCHANGE_ADMIN_PORT", Integer.toString(adminPort));
        env.put("EXCHANGE_ADMIN_TOKEN", TOKEN);
        env.put("SPRING_DATASOURCE_URL", databaseUrl);
        env.put("SPRING_DATA_REDIS_HOST", infrastructure.redisHost());
        env.put("SPRING_DATA_REDIS_PORT", Integer.toString(infrastructure.redisPort()));
        env.put("SPRING_DATA_REDIS_DATABASE", Integer.toString(redisDatabase));
        env.put("EXCHANGE_DEMO_ENABLED", "true");
        env.put("EXCHANGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m",
                "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("exchange.router.jar"));
        ManagedProcess process = ManagedProcess.start(name, command, env, logs.resolve(name + ".log"), "TERM");
        routers.add(process);
        return new Router(process, port, adminPort);
    }

    private void awaitReady(Router router) {
        router.process().awaitCondition(() -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(router.url() + "/actuator/health/readiness"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, "readiness", Duration.ofSeconds(90));
    }

    private Router leaderOf(Router first, Router second) throws Exception {
        try (Connection c = DriverManager.getConnection(databaseUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM engine_lease")) {
            rs.next();
            String holder = rs.getString(1);
            return holder.endsWith("-" + first.process().pid()) ? first : second;
        }
    }
}
