package exchange.router.history;

import static exchange.router.history.TradingFixture.MARKET;
import static exchange.router.history.TradingFixture.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
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
 * {@code /wapi/v1/history/orders} and {@code /wapi/v1/history/fills}: every order and every fill of the signing
 * account, paged and filtered, and nothing of any other account.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "exchange.engine.enabled=false")
class TradingHistoryIT {

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

    // ---- orders

    @Test
    void orderHistoryIsEveryOrderOfTheAccountNewestFirst() throws Exception {
        assertThat(ids(orders(alice, Map.of()))).containsExactly("106", "105", "104", "103", "102", "101");
        assertThat(ids(orders(alice, Map.of("sortDirection", "Asc")))).containsExactly("101", "102", "103", "104",
                "105", "106");
        assertThat(ids(orders(alice, Map.of("limit", "2", "offset", "1")))).containsExactly("105", "104");
        assertThat(ids(orders(alice, Map.of("sortDirection", "Asc", "limit", "3", "offset", "3"))))
                .containsExactly("104", "105", "106");
        assertThat(ids(orders(alice, Map.of("limit", "1000", "offset", "6")))).isEmpty();
        assertThat(ids(orders(alice, Map.of("limit", "1000", "offset", Long.toString(Long.MAX_VALUE))))).isEmpty();
        assertThat(ids(orders(alice, Map.of("sortDirection", "Asc", "offset", Long.toString(Long.MAX_VALUE)))))
                .isEmpty();
        assertThat(ids(orders(alice, Map.of("symbol", OTHER)))).containsExactly("105");
        assertThat(ids(orders(alice, Map.of("symbol", MARKET, "limit", "2", "offset", "3"))))
                .containsExactly("102", "101");
        assertThat(ids(orders(bob, Map.of()))).containsExactly("202", "201");
    }

    @Test
    void aMarketOrderHasNoPriceAndCarriesItsQuoteQuantity() throws Exception {
        JsonNode order = orders(alice, Map.of("orderId", "104"));
        assertThat(order).hasSize(1);
        assertThat(order.get(0)).isEqualTo(json.readTree("""
                {"orderType":"Market","id":"104","createdAt":%d,"executedQuantity":"0.2",
                 "executedQuoteQuantity":"4.4","quoteQuantity":"50","reduceOnly":false,
                 "selfTradePrevention":"RejectTaker","status":"Expired","side":"Bid","symbol":"THB_THQ",
                 "timeInForce":"IOC"}""".formatted(TradingFixture.time(4).toEpochMilli())));
    }

    @Test
    void anotherAccountsOrderIsAbsentFromTheHistory() throws Exception {
        assertThat(orders(alice, Map.of("orderId", "201"))).isEmpty();
        assertThat(orders(alice, Map.of("orderId", "101", "symbol", OTHER))).isEmpty();
        assertThat(orders(alice, Map.of("strategyId", "s1"))).isEmpty();
    }

    // ---- fills

    @Test
    void fillsAreTheAccountsSideOfEachTradeNewestFirst() throws Exception {
        JsonNode fills = fills(alice, Map.of());
        assertThat(fills).hasSize(3);
        assertThat(fills.get(0)).as("taker of trade 3 with a market buy").isEqualTo(json.readTree("""
                {"fee":"0.0001","feeSymbol":"THB","isMaker":false,"orderId":"104","price":"22","quantity":"0.2",
                 "side":"Bid","symbol":"THB_THQ","timestamp":"2025-07-27T17:39:30.092","tradeId":3}"""));
        assertThat(fills.get(1)).as("maker of trade 2, its ask lifted").isEqualTo(json.readTree("""
                {"fee":"0.005","feeSymbol":"THQ","isMaker":true,"orderId":"102","price":"25","quantity":"1",
                 "side":"Ask","symbol":"THB_THQ","timestamp":"2025-07-27T17:39:20.092","tradeId":2}"""));
        assertThat(fills.get(2)).as("maker of trade 1, its bid hit").isEqualTo(json.readTree("""
                {"clientId":"7","fee":"0.0001","feeSymbol":"THB","isMaker":true,"orderId":"101","price":"20.5",
                 "quantity":"0.5","side":"Bid","symbol":"THB_THQ","timestamp":"2025-07-27T17:39:10.092",
                 "tradeId":1}"""));

        JsonNode bobs = fills(bob, Map.of());
        assertThat(tradeIds(bobs)).containsExactly(4L, 4L, 3L, 2L, 1L);
        assertThat(bobs.get(4).get("isMaker").asBoolean()).isFalse();
        assertThat(bobs.get(4).get("side").asString()).isEqualTo("Ask");
        assertThat(bobs.get(4).get("fee").asString()).isEqualTo("0.005125");
        assertThat(bobs.get(4).get("feeSymbol").asString()).isEqualTo("THQ");
    }

    @Test
    void fillsFilterByMarketOrderAndTimeAndPage() throws Exception {
        assertThat(tradeIds(fills(alice, Map.of("symbol", OTHER)))).isEmpty();
        assertThat(tradeIds(fills(bob, Map.of("symbol", OTHER)))).containsExactly(4L, 4L);
        assertThat(tradeIds(fills(alice, Map.of("orderId", "102")))).containsExactly(2L);
        assertThat(tradeIds(fills(alice, Map.of("orderId", "201")))).as("Bob's order").isEmpty();
        long t10 = TradingFixture.time(10).toEpochMilli();
        long t20 = TradingFixture.time(20).toEpochMilli();
        assertThat(tradeIds(fills(alice, Map.of("from", Long.toString(t10), "to", Long.toString(t20)))))
                .as("from and to are inclusive").containsExactly(2L, 1L);
        assertThat(tradeIds(fills(alice, Map.of("from", Long.toString(t10 + 1))))).containsExactly(3L, 2L);
        assertThat(tradeIds(fills(alice, Map.of("to", Long.toString(t20 - 1))))).containsExactly(1L);
        assertThat(tradeIds(fills(alice, Map.of("limit", "1", "offset", "1")))).containsExactly(2L);
        assertThat(tradeIds(fills(alice, Map.of("sortDirection", "Asc")))).containsExactly(1L, 2L, 3L);
        assertThat(tradeIds(fills(alice, Map.of("fillType", "User")))).containsExactly(3L, 2L, 1L);
        assertThat(tradeIds(fills(alice, Map.of("fillType", "Liquidation")))).isEmpty();
    }

    // ---- bad input

    @Test
    void badInputIsAClientError() throws Exception {
        record Case(String path, String instruction, Map<String, String> query, String code) {
        }
        String orders = "/wapi/v1/history/orders";
        String fills = "/wapi/v1/history/fills";
        for (Case c : List.of(
                new Case(orders, "orderHistoryQueryAll", Map.of("limit", "0"), "INVALID_CLIENT_REQUEST"),
                new Case(orders, "orderHistoryQueryAll", Map.of("limit", "1001"), "INVALID_CLIENT_REQUEST"),
                new Case(orders, "orderHistoryQueryAll", Map.of("offset", "-1"), "INVALID_CLIENT_REQUEST"),
                new Case(orders, "orderHistoryQueryAll", Map.of("sortDirection", "Up"), "INVALID_CLIENT_REQUEST"),
                new Case(orders, "orderHistoryQueryAll", Map.of("orderId", "x"), "INVALID_CLIENT_REQUEST"),
                new Case(orders, "orderHistoryQueryAll", Map.of("symbol", "NOPE_THQ"), "INVALID_SYMBOL"),
                new Case(fills, "fillHistoryQueryAll", Map.of("limit", "abc"), "INVALID_CLIENT_REQUEST"),
                new Case(fills, "fillHistoryQueryAll", Map.of("from", "20", "to", "10"), "INVALID_CLIENT_REQUEST"),
                new Case(fills, "fillHistoryQueryAll", Map.of("from", "-1"), "INVALID_CLIENT_REQUEST"),
                new Case(fills, "fillHistoryQueryAll", Map.of("fillType", "Bogus"), "INVALID_CLIENT_REQUEST"),
                new Case(fills, "fillHistoryQueryAll", Map.of("orderId", "1.5"), "INVALID_CLIENT_REQUEST"),
                new Case(fills, "fillHistoryQueryAll", Map.of("symbol", "NOPE_THQ"), "INVALID_SYMBOL"))) {
            HttpResponse<String> response = alice.get(c.path(), c.instruction(), c.query());
            assertThat(response.statusCode()).as(c.toString()).isEqualTo(400);
            assertThat(json.readTree(response.body()).get("code").asString()).as(c.toString()).isEqualTo(c.code());
        }
    }

    private JsonNode orders(BackpackClient client, Map<String, String> query) throws Exception {
        return ok(client.get("/wapi/v1/history/orders", "orderHistoryQueryAll", query));
    }

    private JsonNode fills(BackpackClient client, Map<String, String> query) throws Exception {
        return ok(client.get("/wapi/v1/history/fills", "fillHistoryQueryAll", query));
    }

    private static List<String> ids(JsonNode orders) {
        List<String> ids = new ArrayList<>();
        orders.forEach(order -> ids.add(order.get("id").asString()));
        return ids;
    }

    private static List<Long> tradeIds(JsonNode fills) {
        List<Long> ids = new ArrayList<>();
        fills.forEach(fill -> ids.add(fill.get("tradeId").asLong()));
        return ids;
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
