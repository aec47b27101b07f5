package exchange.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.support.BackpackClient;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The operator API on its own port, with its token, driving the engine. */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "exchange.demo.enabled=true")
class AdminApiIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    AdminConfiguration.AdminConnector admin;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void leader() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() >= 3);
    }

    @Test
    void requestsWithoutTheTokenOrOnThePublicPortAreRefused() throws Exception {
        assertThat(call("POST", "/admin/v1/accounts", "{}", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/admin/v1/accounts", "{}", "Bearer wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> publicPort = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/admin/v1/accounts"))
                .header("Authorization", "Bearer test-admin-token")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publicPort.statusCode()).isEqualTo(404);
        HttpResponse<String> apiOnAdminPort = call("GET", "/api/v1/markets", null, "Bearer test-admin-token");
        assertThat(apiOnAdminPort.statusCode()).isEqualTo(404);
    }

    @Test
    void accountsKeysDepositsAndWithdrawals() throws Exception {
        BackpackClient client = new BackpackClient("http://127.0.0.1:" + port);
        JsonNode account = ok(call("POST", "/admin/v1/accounts",
                "{\"label\":\"alice\",\"publicKeys\":[\"" + client.apiKey() + "\"]}"));
        long id = account.get("accountId").asLong();

        JsonNode deposit = ok(call("POST", "/admin/v1/accounts/" + id + "/deposits",
                "{\"asset\":\"USDC\",\"amount\":\"100.5\",\"externalId\":\"bank-1\"}"));
        assertThat(deposit.get("available").asString()).isEqualTo("100.5");
        JsonNode again = ok(call("POST", "/admin/v1/accounts/" + id + "/deposits",
                "{\"asset\":\"USDC\",\"amount\":\"100.5\",\"externalId\":\"bank-1\"}"));
        assertThat(again.get("status").asString()).isEqualTo("duplicate");
        ok(call("POST", "/admin/v1/accounts/" + id + "/withdrawals",
                "{\"asset\":\"USDC\",\"amount\":\"0.5\",\"externalId\":\"out-1\"}"));
        HttpResponse<String> tooMuch = call("POST", "/admin/v1/accounts/" + id + "/withdrawals",
                "{\"asset\":\"USDC\",\"amount\":\"1000\",\"externalId\":\"out-2\"}");
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(json.readTree(tooMuch.body()).get("code").asString()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(call("POST", "/admin/v1/accounts/" + id + "/deposits",
                "{\"asset\":\"USDC\",\"amount\":\"1e5\",\"externalId\":\"x\"}").statusCode()).isEqualTo(400);
        // A NUL (or any control character) in the idempotency id is refused before it reaches the engine, where
        // PostgreSQL could never store it; the deposits after it still go through.
        HttpResponse<String> nul = call("POST", "/admin/v1/accounts/" + id + "/deposits",
                "{\"asset\":\"USDC\",\"amount\":\"1\",\"externalId\":\"a\\u0000b\"}");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(json.readTree(nul.body()).get("code").asString()).isEqualTo("INVALID_CLIENT_REQUEST");
        assertThat(call("POST", "/admin/v1/accounts/999999/deposits",
                "{\"asset\":\"USDC\",\"amount\":\"1\",\"externalId\":\"x\"}").statusCode()).isEqualTo(404);

        // The client signs with its registered key and sees exactly one deposit and one withdrawal.
        JsonNode capital = json.readTree(client.get("/api/v1/capital", "balanceQuery", Map.of()).body());
        assertThat(capital.at("/USDC/available").asString()).isEqualTo("100");
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE account_id = ?").param(id)
                .query(Long.class).single()).isEqualTo(2);

        ok(call("DELETE", "/admin/v1/keys?publicKey="
                + java.net.URLEncoder.encode(client.apiKey(), java.nio.charset.StandardCharsets.UTF_8), null));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                client.get("/api/v1/capital", "balanceQuery", Map.of()).statusCode() == 401);
    }

    @Test
    void assetsAndMarketsAreCreatedHaltedAndResumedThroughTheEngine() throws Exception {
        ok(call("POST", "/admin/v1/assets", "{\"symbol\":\"DOGE\",\"decimals\":8,\"displayName\":\"Dogecoin\"}"));
        ok(call("POST", "/admin/v1/markets", "{\"baseSymbol\":\"DOGE\",\"quoteSymbol\":\"USDC\",\"tickSize\":\"0.0001\","
                + "\"stepSize\":\"1\",\"minQuantity\":\"10\",\"makerFeePpm\":100,\"takerFeePpm\":300}"));
        assertThat(publicMarket("DOGE_USDC").get("orderBookState").asString()).isEqualTo("Open");
        ok(call("POST", "/admin/v1/markets/DOGE_USDC/halt", null));
        assertThat(publicMarket("DOGE_USDC").get("orderBookState").asString()).isEqualTo("CancelOnly");
        ok(call("POST", "/admin/v1/markets/DOGE_USDC/resume", null));
        assertThat(publicMarket("DOGE_USDC").get("orderBookState").asString()).isEqualTo("Open");

        HttpResponse<String> duplicate = call("POST", "/admin/v1/markets", "{\"baseSymbol\":\"DOGE\","
                + "\"quoteSymbol\":\"USDC\",\"tickSize\":\"0.0001\",\"stepSize\":\"1\",\"minQuantity\":\"10\"}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        HttpResponse<String> badTick = call("POST", "/admin/v1/markets", "{\"baseSymbol\":\"SOL\","
                + "\"quoteSymbol\":\"BTC\",\"tickSize\":\"0.0000000001\",\"stepSize\":\"1\",\"minQuantity\":\"1\"}");
        assertThat(badTick.statusCode()).isEqualTo(400);
    }

    private JsonNode publicMarket(String symbol) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/market?symbol=" + symbol)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, "Bearer test-admin-token");
    }

    private HttpResponse<String> call(String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
