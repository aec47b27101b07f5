package exchange.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The router against a real PostgreSQL and Redis, with the demo data seeded as the local stack does.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.demo.enabled=true",
        "exchange.demo.api-key=" + RouterApplicationIT.DEMO_KEY})
class RouterApplicationIT {

    static final String DEMO_KEY = "c3RhYmxlLWRlbW8ta2V5LWZvci1yb3V0ZXItdGVzdHM=";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    List<ApplicationRunner> runners;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void listsTheDemoMarketsInBackpacksShape() throws Exception {
        HttpResponse<String> response = get("/api/v1/markets");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).isPresent();
        JsonNode markets = json.readTree(response.body());
        assertThat(markets.findValuesAsString("symbol")).containsExactly("BTC_USDC", "ETH_USDC", "SOL_USDC");
        JsonNode sol = markets.get(2);
        assertThat(sol.get("baseSymbol").asString()).isEqualTo("SOL");
        assertThat(sol.get("quoteSymbol").asString()).isEqualTo("USDC");
        assertThat(sol.get("marketType").asString()).isEqualTo("SPOT");
        assertThat(sol.get("orderBookState").asString()).isEqualTo("Open");
        assertThat(sol.at("/filters/price/tickSize").asString()).isEqualTo("0.01");
        assertThat(sol.at("/filters/quantity/stepSize").asString()).isEqualTo("0.01");
        assertThat(sol.at("/filters/quantity/minQuantity").asString()).isEqualTo("0.01");
        assertThat(sol.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        assertThat(markets.get(0).at("/filters/quantity/stepSize").asString()).isEqualTo("0.00001");
    }

    @Test
    void oneMarketBySymbolAndClearErrorsOtherwise() throws Exception {
        assertThat(json.readTree(get("/api/v1/market?symbol=ETH_USDC").body()).get("symbol").asString())
                .isEqualTo("ETH_USDC");

        HttpResponse<String> unknown = get("/api/v1/market?symbol=DOGE_USDC");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("code").asString()).isEqualTo("RESOURCE_NOT_FOUND");

        HttpResponse<String> missing = get("/api/v1/market");
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(missing.body());
        assertThat(error.get("code").asString()).isEqualTo("INVALID_CLIENT_REQUEST");
        assertThat(error.get("message").asString()).contains("symbol");

        HttpResponse<String> noEndpoint = get("/api/v1/nothing-here");
        assertThat(noEndpoint.statusCode()).isEqualTo(404);
        assertThat(json.readTree(noEndpoint.body()).get("code").asString()).isEqualTo("RESOURCE_NOT_FOUND");
    }

    @Test
    void assetsAndSystemEndpoints() throws Exception {
        JsonNode assets = json.readTree(get("/api/v1/assets").body());
        assertThat(assets.findValuesAsString("symbol")).containsExactly("BTC", "ETH", "SOL", "USDC");
        assertThat(get("/api/v1/ping").body()).isEqualTo("pong");
        long serverTime = Long.parseLong(get("/api/v1/time").body());
        assertThat(Math.abs(serverTime - System.currentTimeMillis())).isLessThan(60_000);
        assertThat(json.readTree(get("/api/v1/status").body()).get("status").asString()).isEqualTo("Ok");
    }

    @Test
    void actuatorExposesHealthGroupsInfoAndPrometheusOnly() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json.readTree(readiness.body()).get("status").asString()).isEqualTo("UP");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
        assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/beans").statusCode()).isEqualTo(404);
    }

    @Test
    void theDemoAccountIsSeededOnceAndItsBalancesAreExplainedByTheLedger() throws Exception {
        ApplicationArguments none = new DefaultApplicationArguments();
        for (ApplicationRunner runner : runners) {
            runner.run(none);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM api_key WHERE public_key = ?").param(DEMO_KEY)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM market").query(Long.class).single()).isEqualTo(3);
        long mismatches = jdbc.sql("""
                SELECT count(*) FROM balance b
                WHERE b.available + b.locked <> (
                    SELECT coalesce(sum(CASE l.kind WHEN 'Deposit' THEN l.amount ELSE -l.amount END), 0)
                    FROM ledger_entry l WHERE l.account_id = b.account_id AND l.asset = b.asset)""")
                .query(Long.class).single();
        assertThat(mismatches).isZero();
        assertThat(jdbc.sql("""
                SELECT b.available FROM balance b JOIN api_key k ON k.account_id = b.account_id
                WHERE k.public_key = ? AND b.asset = 'USDC'""").param(DEMO_KEY).query(Long.class).single())
                .isEqualTo(1_000_000L * 1_000_000L);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
