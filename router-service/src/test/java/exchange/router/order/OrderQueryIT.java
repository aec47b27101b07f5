package exchange.router.order;

import static exchange.router.history.TradingFixture.MARKET;
import static exchange.router.history.TradingFixture.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.history.TradingFixture;
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
 * {@code GET /api/v1/order} and {@code GET /api/v1/orders}: the signing account's open orders, in Backpack's
 * order shape, and nothing of any other account.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "exchange.engine.enabled=false")
class OrderQueryIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final ObjectMapper json = new ObjectMapper();
    private BackpackClient alice;
    private BackpackClient bob;

    @BeforeEach
    void seed() {
        jdbc.sql("DELETE FROM trade").update();
        jdbc.sql("DELETE FROM trade_minute").update();
        jdbc.sql("DELETE FROM orders").update();
        jdbc.sql("DELETE FROM api_key").update();
        jdbc.sql("DELETE FROM account WHERE id <> 0").update();
        jdbc.sql("DELETE FROM market").update();
        jdbc.sql("DELETE FROM asset").update();
        alice = new BackpackClient("http://127.0.0.1:" + port);
        bob = new BackpackClient("http://127.0.0.1:" + port);
        new TradingFixture(jdbc).seed(alice, bob);
    }

    @Test
    void anOpenOrderByIdInBackpacksShape() throws Exception {
        JsonNode order = ok(alice.get("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "orderId", "101")));
        assertThat(order).isEqualTo(json.readTree("""
                {"orderType":"Limit","id":"101","clientId":7,"createdAt":%d,"executedQuantity":"0.5",
                 "executedQuoteQuantity":"10.25","postOnly":false,"price":"20.5","quantity":"2",
                 "reduceOnly":false,"selfTradePrevention":"RejectTaker","status":"PartiallyFilled","side":"Bid",
                 "symbol":"THB_THQ","timeInForce":"GTC"}""".formatted(TradingFixture.time(1).toEpochMilli())));
    }

    @Test
    void anOpenOrderByClientIdIsTheSigningAccountsOwn() throws Exception {
        assertThat(ok(alice.get("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "clientId", "7")))
                .get("id").asString()).isEqualTo("101");
        assertThat(ok(bob.get("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "clientId", "7")))
                .get("id").asString()).isEqualTo("201");
    }

    @Test
    void anotherAccountsOrderLooksExactlyLikeAMissingOne() throws Exception {
        HttpResponse<String> someoneElses = alice.get("/api/v1/order", "orderQuery",
                Map.of("symbol", MARKET, "orderId", "201"));
        HttpResponse<String> missing = alice.get("/api/v1/order", "orderQuery",
                Map.of("symbol", MARKET, "orderId", "999999"));
        assertThat(someoneElses.statusCode()).isEqualTo(404);
        assertThat(someoneElses.body()).isEqualTo(missing.body());
        assertThat(json.readTree(missing.body()).get("code").asString()).isEqualTo("RESOURCE_NOT_FOUND");
    }

    @Test
    void closedOrdersAndOrdersOfAnotherMarketAreNotOpenOrders() throws Exception {
        for (Map<String, String> query : List.of(
                Map.of("symbol", MARKET, "orderId", "102"),
                Map.of("symbol", MARKET, "orderId", "103"),
                Map.of("symbol", MARKET, "clientId", "8"),
                Map.of("symbol", MARKET, "orderId", "104"),
                Map.of("symbol", OTHER, "orderId", "101"))) {
            HttpResponse<String> response = alice.get("/api/v1/order", "orderQuery", query);
            assertThat(response.statusCode()).as(query.toString()).isEqualTo(404);
        }
    }

    @Test
    void openOrdersOfTheAccountNewestFirst() throws Exception {
        assertThat(ids(ok(alice.get("/api/v1/orders", "orderQueryAll", Map.of())))).containsExactly("106", "105",
                "101");
        JsonNode inMarket = ok(alice.get("/api/v1/orders", "orderQueryAll", Map.of("symbol", MARKET)));
        assertThat(ids(inMarket)).containsExactly("106", "101");
        assertThat(inMarket.get(0).get("postOnly").asBoolean()).isTrue();
        assertThat(inMarket.get(1)).isEqualTo(ok(alice.get("/api/v1/order", "orderQuery",
                Map.of("symbol", MARKET, "orderId", "101"))));
        assertThat(ids(ok(bob.get("/api/v1/orders", "orderQueryAll", Map.of())))).containsExactly("201");
        assertThat(ok(bob.get("/api/v1/orders", "orderQueryAll", Map.of("symbol", OTHER)))).isEmpty();
    }

    @Test
    void badInputIsAClientError() throws Exception {
        record Case(String path, String instruction, Map<String, String> query, int status, String code) {
        }
        for (Case c : List.of(
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", "NOPE_THQ", "orderId", "101"), 400,
                        "INVALID_SYMBOL"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET), 400, "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "orderId", "101", "clientId", "7"),
                        400, "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "orderId", "abc"), 400,
                        "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "clientId", "-1"), 400,
                        "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "clientId", "4294967296"), 400,
                        "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("symbol", MARKET, "clientId", "x"), 400,
                        "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/order", "orderQuery", Map.of("orderId", "101"), 400, "INVALID_CLIENT_REQUEST"),
                new Case("/api/v1/orders", "orderQueryAll", Map.of("symbol", "NOPE_THQ"), 400, "INVALID_SYMBOL"),
                new Case("/api/v1/order", "orderQueryAll", Map.of("symbol", MARKET, "orderId", "101"), 401,
                        "INVALID_SIGNATURE"))) {
            HttpResponse<String> response = alice.get(c.path(), c.instruction(), c.query());
            assertThat(response.statusCode()).as(c.toString()).isEqualTo(c.status());
            assertThat(json.readTree(response.body()).get("code").asString()).as(c.toString()).isEqualTo(c.code());
        }
    }

    private static List<String> ids(JsonNode orders) {
        List<String> ids = new ArrayList<>();
        orders.forEach(order -> ids.add(order.get("id").asString()));
        return ids;
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
