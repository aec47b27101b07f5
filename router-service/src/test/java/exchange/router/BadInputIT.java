package exchange.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.engine.CommandBus;
import exchange.router.engine.StreamCommand;
import exchange.router.support.BackpackClient;

import org.awaitility.Awaitility;
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
 * Bad input on every endpoint: each gets a 4xx with Backpack's {@code {"code","message"}}, never a 500, and
 * the exchange's state (orders, trades, balances, ledger, markets, keys) is byte-for-byte the same after the
 * whole table as before it.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.demo.enabled=true", "exchange.auth.requests-per-second=100000", "exchange.auth.burst=100000"})
class BadInputIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    private static final String STATE = """
            SELECT md5(concat_ws('|',
              (SELECT string_agg(concat_ws(',', id, status, executed_quantity, locked), ';' ORDER BY id) FROM orders),
              (SELECT string_agg(id::text, ';' ORDER BY id) FROM trade),
              (SELECT string_agg(concat_ws(',', account_id, asset, available, locked), ';' ORDER BY account_id, asset) FROM balance),
              (SELECT string_agg(concat_ws(',', id, amount), ';' ORDER BY id) FROM ledger_entry),
              (SELECT string_agg(concat_ws(',', symbol, halted, depth_update_id), ';' ORDER BY symbol) FROM market),
              (SELECT string_agg(concat_ws(',', public_key, revoked_at), ';' ORDER BY public_key) FROM api_key)))""";

    record Case(String method, String path, String instruction, Map<String, Object> signedBody, String rawBody,
            int status) {
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CommandBus bus;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyBadRequestIsA4xxWithACodeAndChangesNothing() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() == 3);
        BackpackClient trader = new BackpackClient("http://127.0.0.1:" + port);
        BackpackClient other = new BackpackClient("http://127.0.0.1:" + port);
        long traderId = account(trader);
        account(other);
        String restingOrder = bus.submit(StreamCommand.place(traderId, "SOL_USDC", "Bid", "Limit", 5_000, 100, 0,
                "GTC", false, "RejectTaker", 7)).body();
        String restingId = json.readTree(restingOrder).get("id").asString();

        String before = jdbc.sql(STATE).query(String.class).single();
        List<Case> cases = List.of(
                get("/api/v1/market", 400), get("/api/v1/market?symbol=NOPE_USDC", 404),
                get("/api/v1/market?symbol=%00%27;DROP", 400),
                get("/api/v1/depth?symbol=NOPE_USDC", 400), get("/api/v1/depth?symbol=SOL_USDC&limit=7", 400),
                get("/api/v1/depth?symbol=SOL_USDC&limit=99999999999999999999", 400),
                get("/api/v1/ticker?symbol=NOPE_USDC", 400), get("/api/v1/ticker?symbol=SOL_USDC&interval=2d", 400),
                get("/api/v1/trades?symbol=SOL_USDC&limit=abc", 400), get("/api/v1/trades?symbol=SOL_USDC&limit=-5", 400),
                get("/api/v1/trades/history?symbol=SOL_USDC&offset=-1", 400),
                get("/api/v1/klines?symbol=SOL_USDC&interval=2m&startTime=0", 400),
                get("/api/v1/klines?symbol=SOL_USDC&interval=1m&startTime=abc", 400),
                get("/api/v1/klines?symbol=%F0%9F%92%A9&interval=1m&startTime=0", 400),
                get("/api/v1/nothing", 404),
                order(Map.of("symbol", "SOL_USDC", "orderType", "Limit", "price", "1", "quantity", "1"), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Up", "orderType", "Limit", "price", "1", "quantity", "1"), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Stop", "price", "1", "quantity", "1"), 400),
                order(limit("1e2", "1"), 400), order(limit("-1", "1"), 400), order(limit("0", "1"), 400),
                order(limit("1.001", "1"), 400), order(limit("abc", "1"), 400),
                order(limit("1", "0.001"), 400), order(limit("1", "0"), 400),
                order(limit("1", "1234567890123456789012345678901234567890"), 400),
                order(limit("100000000000000000000", "1"), 400),
                order(limit("1", "100000"), 400),
                order(Map.of("symbol", "NOPE_USDC", "side", "Bid", "orderType", "Limit", "price", "1", "quantity", "1"), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Market", "price", "1", "quantity", "1"), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Market", "quantity", "1", "quoteQuantity", "1"), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Market", "quantity", "1", "postOnly", true), 400),
                order(withClientId(-1L), 400), order(withClientId(8_589_934_592L), 400),
                order(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", "1", "quantity", "1",
                        "timeInForce", "DAY"), 400),
                raw("POST", "/api/v1/order", "orderExecute", "{\"symbol\":", 400),
                raw("POST", "/api/v1/order", "orderExecute", "{\"symbol\":\"SOL_USDC\",\"quantity\":[1]}", 400),
                raw("POST", "/api/v1/order", "orderExecute", "{\"symbol\":\"SOL_USDC\"} trailing", 400),
                raw("POST", "/api/v1/order", "orderExecute", "{\"a\":\"" + "x".repeat(100_000) + "\"}", 413),
                raw("POST", "/api/v1/orders", "orderExecute", "{\"symbol\":\"SOL_USDC\"}", 400),
                raw("POST", "/api/v1/orders", "orderExecute", "[]", 400),
                cancel(Map.of("symbol", "SOL_USDC", "orderId", "999999"), 404),
                cancel(Map.of("symbol", "SOL_USDC"), 400),
                cancel(Map.of("symbol", "SOL_USDC", "orderId", "abc"), 400),
                cancel(Map.of("symbol", "NOPE_USDC", "orderId", "1"), 400),
                new Case("DELETE", "/api/v1/orders", "orderCancelAll", Map.of("symbol", "NOPE_USDC"), null, 400),
                raw("POST", "/api/v1/orders", "orderExecute", "[" + "{\"symbol\":\"SOL_USDC\"},".repeat(50)
                        + "{\"symbol\":\"SOL_USDC\"}]", 400),
                get("/api/v1/tickers?interval=5y", 400),
                signedGet("/api/v1/orders?symbol=NOPE_USDC", "orderQueryAll", 400),
                signedGet("/api/v1/order?symbol=SOL_USDC&orderId=abc", "orderQuery", 400),
                signedGet("/api/v1/order?symbol=SOL_USDC&orderId=999999", "orderQuery", 404),
                signedGet("/wapi/v1/history/orders?limit=0", "orderHistoryQueryAll", 400),
                signedGet("/wapi/v1/history/fills?limit=99999", "fillHistoryQueryAll", 400),
                signedGet("/wapi/v1/capital/deposits?limit=0", "depositQueryAll", 400),
                signedGet("/wapi/v1/capital/withdrawals?offset=-3", "withdrawalQueryAll", 400));
        for (Case c : cases) {
            HttpResponse<String> response = send(trader, c);
            assertThat(response.statusCode()).as("%s %s -> %s", c.method(), c.path(), response.body())
                    .isEqualTo(c.status());
            JsonNode error = json.readTree(response.body());
            assertThat(error.path("code").asString()).as("%s %s code", c.method(), c.path()).isNotBlank();
            assertThat(error.path("message").asString()).as("%s %s message", c.method(), c.path()).isNotBlank();
        }
        // Another account can neither see nor cancel the trader's order.
        HttpResponse<String> foreignCancel = send(other, cancel(Map.of("symbol", "SOL_USDC", "orderId", restingId), 404));
        assertThat(foreignCancel.statusCode()).isEqualTo(404);
        HttpResponse<String> foreignRead = send(other,
                signedGet("/api/v1/order?symbol=SOL_USDC&orderId=" + restingId, "orderQuery", 404));
        assertThat(foreignRead.statusCode()).isEqualTo(404);

        assertThat(jdbc.sql(STATE).query(String.class).single()).as("state after the bad-input table")
                .isEqualTo(before);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    private long account(BackpackClient client) {
        long id = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'bad-input')").param(id).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(client.apiKey(), id).update();
        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, id, "USDC", 1_000_000_000L, "d"))
                .status()).isEqualTo(200);
        return id;
    }

    private static Map<String, Object> limit(String price, String quantity) {
        return Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", price, "quantity", quantity);
    }

    private static Map<String, Object> withClientId(long clientId) {
        Map<String, Object> order = new LinkedHashMap<>(limit("1", "1"));
        order.put("clientId", clientId);
        return order;
    }

    private static Case get(String path, int status) {
        return new Case("GET", path, null, null, null, status);
    }

    private static Case signedGet(String path, String instruction, int status) {
        return new Case("GET", path, instruction, null, null, status);
    }

    private static Case order(Map<String, Object> body, int status) {
        return new Case("POST", "/api/v1/order", "orderExecute", body, null, status);
    }

    private static Case cancel(Map<String, Object> body, int status) {
        return new Case("DELETE", "/api/v1/order", "orderCancel", body, null, status);
    }

    private static Case raw(String method, String path, String instruction, String body, int status) {
        return new Case(method, path, instruction, null, body, status);
    }

    private HttpResponse<String> send(BackpackClient client, Case c) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + c.path());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (c.instruction() == null) {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        long ts = System.currentTimeMillis();
        Map<String, String> signed = new TreeMap<>();
        String body = c.rawBody();
        if (c.signedBody() != null) {
            c.signedBody().forEach((key, value) -> signed.put(key, String.valueOf(value)));
            body = json.writeValueAsString(c.signedBody());
        } else if (c.method().equals("GET") && uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                signed.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        String signature = client.sign(BackpackClient.signingString(c.instruction(), signed, ts, 5000));
        if (body != null && body.startsWith("[{")) {
            // A batch: one instruction block per order, then timestamp and window (the spec's batch rule).
            StringBuilder batch = new StringBuilder();
            for (JsonNode order : json.readTree(body)) {
                TreeMap<String, String> fields = new TreeMap<>();
                order.properties().forEach(field -> fields.put(field.getKey(), field.getValue().asString()));
                String one = BackpackClient.signingString(c.instruction(), fields, ts, 5000);
                batch.append(one, 0, one.indexOf("&timestamp=")).append('&');
            }
            signature = client.sign(batch.append("timestamp=").append(ts).append("&window=5000").toString());
        }
        request.header("Content-Type", "application/json").method(c.method(), body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request, client.apiKey(), signature, ts, "5000");
    }
}
