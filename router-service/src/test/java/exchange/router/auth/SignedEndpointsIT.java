package exchange.router.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.support.BackpackClient;

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

/**
 * Signed endpoints against a real PostgreSQL: the happy path, and every way a request can fail to
 * authenticate, each answered with 401 (or 429) in Backpack's error shape.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.demo.enabled=true",
        "exchange.auth.key-cache-ttl=0s",
        "exchange.auth.requests-per-second=20",
        "exchange.auth.burst=20"})
class SignedEndpointsIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final ObjectMapper json = new ObjectMapper();
    private BackpackClient client;
    private long accountId;

    @BeforeEach
    void account() {
        client = new BackpackClient("http://127.0.0.1:" + port);
        accountId = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'test')").param(accountId).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(client.apiKey(), accountId)
                .update();
        jdbc.sql("INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id) VALUES (?, 'USDC', 'Deposit', 1250500000, 'd1')")
                .param(accountId).update();
        jdbc.sql("INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id) VALUES (?, 'USDC', 'Withdrawal', 500000, 'w1')")
                .param(accountId).update();
        jdbc.sql("INSERT INTO balance (account_id, asset, available, locked) VALUES (?, 'USDC', 1250000000, 0)")
                .param(accountId).update();
    }

    @Test
    void aSignedRequestSeesItsOwnBalances() throws Exception {
        HttpResponse<String> response = client.get("/api/v1/capital", "balanceQuery", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode usdc = json.readTree(response.body()).get("USDC");
        assertThat(usdc.get("available").asString()).isEqualTo("1250");
        assertThat(usdc.get("locked").asString()).isEqualTo("0");
        assertThat(usdc.get("staked").asString()).isEqualTo("0");
    }

    @Test
    void depositAndWithdrawalHistoryComeFromTheLedger() throws Exception {
        JsonNode deposits = json.readTree(client.get("/wapi/v1/capital/deposits", "depositQueryAll",
                Map.of("limit", "10")).body());
        assertThat(deposits).hasSize(1);
        assertThat(deposits.get(0).get("quantity").asString()).isEqualTo("1250.5");
        assertThat(deposits.get(0).get("symbol").asString()).isEqualTo("USDC");
        assertThat(deposits.get(0).get("status").asString()).isEqualTo("confirmed");

        JsonNode withdrawals = json.readTree(client.get("/wapi/v1/capital/withdrawals", "withdrawalQueryAll",
                Map.of()).body());
        assertThat(withdrawals).hasSize(1);
        assertThat(withdrawals.get(0).get("quantity").asString()).isEqualTo("0.5");
        assertThat(withdrawals.get(0).get("clientId").asString()).isEqualTo("w1");

        HttpResponse<String> badLimit = client.get("/wapi/v1/capital/deposits", "depositQueryAll",
                Map.of("limit", "5000"));
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(code(badLimit)).isEqualTo("INVALID_CLIENT_REQUEST");
    }

    @Test
    void theAccountSummaryReportsSpotFeesInBasisPoints() throws Exception {
        JsonNode summary = json.readTree(client.get("/api/v1/account", "accountQuery", Map.of()).body());
        assertThat(summary.get("spotMakerFee").asString()).isEqualTo("2");
        assertThat(summary.get("spotTakerFee").asString()).isEqualTo("5");
    }

    @Test
    void unsignedRequestsAreRefused() throws Exception {
        HttpResponse<String> response = client.send(get("/api/v1/capital"), null, null, now(), null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aTamperedSignatureIsRefused() throws Exception {
        long ts = now();
        String signature = client.sign(BackpackClient.signingString("balanceQuery", Map.of(), ts, 5000));
        String tampered = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        HttpResponse<String> response = client.send(get("/api/v1/capital"), client.apiKey(), tampered, ts, "5000");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("INVALID_SIGNATURE");
    }

    @Test
    void tamperedParametersAreRefused() throws Exception {
        long ts = now();
        String signature = client.sign(BackpackClient.signingString("depositQueryAll", Map.of("limit", "1"), ts, 5000));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                client.uri("/wapi/v1/capital/deposits", Map.of("limit", "2"))), client.apiKey(), signature, ts, "5000");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("INVALID_SIGNATURE");
    }

    @Test
    void theWrongInstructionIsRefused() throws Exception {
        long ts = now();
        String signature = client.sign(BackpackClient.signingString("accountQuery", Map.of(), ts, 5000));
        HttpResponse<String> response = client.send(get("/api/v1/capital"), client.apiKey(), signature, ts, "5000");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("INVALID_SIGNATURE");
    }

    @Test
    void timestampsOutsideTheWindowAndOversizedWindowsAreRefused() throws Exception {
        long expired = now() - 10_000;
        assertThat(signedCapital(expired, "5000").statusCode()).isEqualTo(401);
        long future = now() + 60_000;
        assertThat(signedCapital(future, "5000").statusCode()).isEqualTo(401);
        HttpResponse<String> hugeWindow = signedCapital(now(), "70000");
        assertThat(hugeWindow.statusCode()).isEqualTo(401);
        assertThat(code(hugeWindow)).isEqualTo("UNAUTHORIZED");
        assertThat(signedCapital(now() - 10_000, "60000").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownAndRevokedKeysAreRefused() throws Exception {
        BackpackClient stranger = new BackpackClient("http://127.0.0.1:" + port);
        HttpResponse<String> unknown = stranger.get("/api/v1/capital", "balanceQuery", Map.of());
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(code(unknown)).isEqualTo("UNAUTHORIZED");

        jdbc.sql("UPDATE api_key SET revoked_at = now() WHERE public_key = ?").param(client.apiKey()).update();
        HttpResponse<String> revoked = client.get("/api/v1/capital", "balanceQuery", Map.of());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(code(revoked)).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void duplicatedParametersAreABadRequest() throws Exception {
        long ts = now();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/wapi/v1/capital/deposits?limit=1&limit=2")), client.apiKey(),
                client.sign(BackpackClient.signingString("depositQueryAll", Map.of("limit", "1"), ts, 5000)), ts, "5000");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(code(response)).isEqualTo("INVALID_CLIENT_REQUEST");
    }

    @Test
    void pastTheRateLimitRequestsGet429() throws Exception {
        int limited = 0;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = client.get("/api/v1/capital", "balanceQuery", Map.of());
            if (response.statusCode() == 429) {
                assertThat(code(response)).isEqualTo("TOO_MANY_REQUESTS");
                limited++;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
        assertThat(limited).isPositive();
    }

    @Test
    void requestsWithABadSignatureDoNotSpendTheKeysRateLimit() throws Exception {
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> junk = client.send(get("/api/v1/capital"), client.apiKey(),
                    client.sign("something else entirely"), now(), "5000");
            assertThat(junk.statusCode()).isEqualTo(401);
        }
        assertThat(client.get("/api/v1/capital", "balanceQuery", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestFormsTheSignatureCheckCouldMissAreRefused() throws Exception {
        HttpResponse<String> head = client.send(get("/api/v1/account").method("HEAD",
                HttpRequest.BodyPublishers.noBody()), null, null, now(), null);
        assertThat(head.statusCode()).isEqualTo(401);
        for (String path : List.of("/api/v1/%61ccount", "/api/v1/account;x=1", "/api/v1//account",
                "/api/v1/./account", "/%61dmin/v1/accounts", "/admin;x=1/v1/accounts")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json"), null, null, now(), null);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(json.readTree(response.body()).get("code").asString()).as(path).isNotBlank();
        }
        long ts = now();
        String signature = client.sign(BackpackClient.signingString("orderCancelAll", Map.of(), ts, 5000));
        HttpResponse<String> cancelAllByQuery = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/orders?symbol=SOL_USDC"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()), client.apiKey(), signature, ts, "5000");
        assertThat(cancelAllByQuery.statusCode()).isEqualTo(400);
        String getSignature = client.sign(BackpackClient.signingString("depositQueryAll", Map.of("limit", "1"), ts, 5000));
        HttpResponse<String> getWithBody = client.send(HttpRequest.newBuilder(
                client.uri("/wapi/v1/capital/deposits", Map.of()))
                .method("GET", HttpRequest.BodyPublishers.ofString("{\"limit\":\"1\"}")), client.apiKey(),
                getSignature, ts, "5000");
        assertThat(getWithBody.statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> signedCapital(long ts, String window) throws Exception {
        String signature = client.sign(BackpackClient.signingString("balanceQuery", Map.of(), ts,
                Long.parseLong(window)));
        return client.send(get("/api/v1/capital"), client.apiKey(), signature, ts, window);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private String code(HttpResponse<String> response) {
        return json.readTree(response.body()).get("code").asString();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
