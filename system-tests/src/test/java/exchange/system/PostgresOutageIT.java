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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import exchange.devstack.EmbeddedPostgres;
import exchange.devstack.ManagedProcess;
import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops under a running router: order entry answers 503 instead of acknowledging anything, and once
 * PostgreSQL is back the same router process takes orders again, with nothing acknowledged lost or doubled.
 */
@ExtendWith(RealInfrastructure.class)
class PostgresOutageIT {

    private static final String TOKEN = "outage-admin-token";

    @TempDir
    Path directory;

    private ManagedProcess router;
    private EmbeddedPostgres postgres;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (router != null) {
            router.stop(Duration.ofSeconds(20));
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void orderEntryRefusesWhileTheDatabaseIsDownAndResumesWithoutARestart() throws Exception {
        int postgresPort = TestInfrastructure.freePort();
        postgres = EmbeddedPostgres.start(directory.resolve("pg"), postgresPort, true);
        postgres.createDatabaseIfMissing("exchange");
        String database = postgres.jdbcUrl("exchange") + "?user=postgres";
        int port = TestInfrastructure.freePort();
        int adminPort = TestInfrastructure.freePort();
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("EXCHANGE_ADMIN_PORT", Integer.toString(adminPort));
        env.put("EXCHANGE_ADMIN_TOKEN", TOKEN);
        env.put("SPRING_DATASOURCE_URL", database);
        env.put("SPRING_DATA_REDIS_HOST", infrastructure.redisHost());
        env.put("SPRING_DATA_REDIS_PORT", Integer.toString(infrastructure.redisPort()));
        env.put("SPRING_DATA_REDIS_DATABASE", Integer.toString(infrastructure.nextRedisDatabase()));
        env.put("EXCHANGE_DEMO_ENABLED", "true");
        env.put("EXCHANGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        router = ManagedProcess.start("router", List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("exchange.router.jar")), env,
                directory.resolve("router.log"), "TERM");
        String url = "http://127.0.0.1:" + port;
        router.awaitCondition(() -> status(url + "/actuator/health/readiness") == 200, "readiness",
                Duration.ofSeconds(90));
        StackSupport.awaitDemoMarkets(database);

        SignedClient client = new SignedClient();
        long account = StackSupport.fundedAccount("http://127.0.0.1:" + adminPort, TOKEN, client, "USDC", "1000");
        assertThat(place(client, url, 1).statusCode()).isEqualTo(200);

        postgres.close();
        // Longer than the engine lease: the leader loses it and must take it again and rebuild afterwards.
        long outage = System.nanoTime();
        while (System.nanoTime() - outage < Duration.ofSeconds(6).toNanos()) {
            HttpResponse<String> duringOutage = place(client, url, 2);
            assertThat(duringOutage.statusCode()).as(duringOutage.body()).isEqualTo(503);
            assertThat(duringOutage.body()).contains("\"code\"");
            Thread.sleep(500);
        }
        assertThat(router.isAlive()).isTrue();

        postgres = EmbeddedPostgres.start(directory.resolve("pg"), postgresPort, true);
        long back = System.nanoTime();
        HttpResponse<String> resumed = null;
        while (System.nanoTime() - back < Duration.ofSeconds(60).toNanos()) {
            resumed = place(client, url, 2);
            if (resumed.statusCode() == 200) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        System.out.printf("postgres outage: orders acknowledged again %.1f s after PostgreSQL came back%n",
                (System.nanoTime() - back) / 1e9);
        try (Connection c = DriverManager.getConnection(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, count(*) FROM orders WHERE account_id = " + account
                     + " GROUP BY client_id ORDER BY client_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getInt(2)).as("clientId 2 placed once despite the retries").isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
    }

    private HttpResponse<String> place(SignedClient client, String url, long clientId) throws Exception {
        Map<String, Object> order = new HashMap<>();
        order.put("symbol", "SOL_USDC");
        order.put("side", "Bid");
        order.put("orderType", "Limit");
        order.put("price", "10");
        order.put("quantity", "1");
        order.put("clientId", clientId);
        return client.send(url, "POST", "/api/v1/order", "orderExecute", order);
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception notYet) {
            return 0;
        }
    }
}
