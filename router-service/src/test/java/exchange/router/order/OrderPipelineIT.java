package exchange.router.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.engine.CommandBus;
import exchange.router.engine.EngineReply;
import exchange.router.engine.StreamCommand;
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

/**
 * Order entry through the whole pipeline with one router: signed HTTP, the Redis command stream, the engine
 * leader, the PostgreSQL commit, the reply. Every answer is checked against what PostgreSQL holds.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.demo.enabled=true"})
class OrderPipelineIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CommandBus bus;

    @Autowired
    org.springframework.data.redis.connection.RedisConnectionFactory connections;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private BackpackClient seller;
    private BackpackClient buyer;
    private long sellerId;
    private long buyerId;

    @BeforeEach
    void accounts() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                jdbc.sql("SELECT lease_until > clock_timestamp() FROM engine_lease").query(Boolean.class).single());
        seller = new BackpackClient("http://127.0.0.1:" + port);
        buyer = new BackpackClient("http://127.0.0.1:" + port);
        sellerId = account(seller, Map.of("SOL", "10"));
        buyerId = account(buyer, Map.of("USDC", "1000"));
    }

    private long account(BackpackClient client, Map<String, String> deposits) {
        long id = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'it')").param(id).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(client.apiKey(), id).update();
        deposits.forEach((asset, amount) -> {
            int decimals = asset.equals("USDC") ? 6 : 9;
            long units = new BigDecimal(amount).movePointRight(decimals).longValueExact();
            EngineReply reply = bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, id, asset, units,
                    "it-" + id + "-" + asset));
            assertThat(reply.status()).isEqualTo(200);
        });
        return id;
    }

    @Test
    void aCrossingOrderTradesAndEverythingIsCommittedBeforeTheAnswer() throws Exception {
        JsonNode ask = ok(post(seller, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Ask", "orderType", "Limit", "price", "100.5", "quantity", "2")));
        assertThat(ask.get("status").asString()).isEqualTo("New");
        assertThat(ask.get("price").asString()).isEqualTo("100.5");
        long askId = Long.parseLong(ask.get("id").asString());
        assertThat(status(askId)).isEqualTo("New");

        JsonNode bid = ok(post(buyer, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", "101", "quantity", "1.5")));
        assertThat(bid.get("status").asString()).isEqualTo("Filled");
        assertThat(bid.get("executedQuantity").asString()).isEqualTo("1.5");
        assertThat(bid.get("executedQuoteQuantity").asString()).isEqualTo("150.75");

        long bidId = Long.parseLong(bid.get("id").asString());
        assertThat(status(bidId)).isEqualTo("Filled");
        assertThat(status(askId)).isEqualTo("PartiallyFilled");
        assertThat(jdbc.sql("SELECT count(*) FROM trade WHERE maker_order_id = ? AND taker_order_id = ?")
                .params(askId, bidId).query(Long.class).single()).isEqualTo(1);
        // Seller keeps 0.5 SOL locked in the resting remainder.
        assertThat(jdbc.sql("SELECT locked FROM orders WHERE id = ?").param(askId).query(Long.class).single())
                .isEqualTo(500_000_000L);
        assertConservation();

        // The buyer's balance over the REST API: 1000 - 150.75 USDC, 1.5 SOL minus the taker fee (5 bps).
        JsonNode capital = ok(get(buyer, "/api/v1/capital", "balanceQuery"));
        assertThat(capital.at("/USDC/available").asString()).isEqualTo("849.25");
        assertThat(capital.at("/SOL/available").asString()).isEqualTo("1.49925");
    }

    @Test
    void rejectionsChangeNothing() throws Exception {
        long ordersBefore = count("orders");
        HttpResponse<String> poor = post(buyer, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", "100", "quantity", "100"));
        assertThat(poor.statusCode()).isEqualTo(400);
        assertThat(code(poor)).isEqualTo("INSUFFICIENT_FUNDS");

        HttpResponse<String> offTick = post(buyer, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", "100.001", "quantity", "1"));
        assertThat(offTick.statusCode()).isEqualTo(400);
        assertThat(code(offTick)).isEqualTo("INVALID_PRICE");

        HttpResponse<String> unknownMarket = post(buyer, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "DOGE_USDC", "side", "Bid", "orderType", "Limit", "price", "1", "quantity", "1"));
        assertThat(unknownMarket.statusCode()).isEqualTo(400);

        HttpResponse<String> unknownOrder = delete(buyer, "/api/v1/order", "orderCancel",
                Map.of("symbol", "SOL_USDC", "orderId", "999999"));
        assertThat(unknownOrder.statusCode()).isEqualTo(404);
        assertThat(code(unknownOrder)).isEqualTo("RESOURCE_NOT_FOUND");

        assertThat(count("orders")).isEqualTo(ordersBefore);
        assertConservation();
    }

    @Test
    void aRetriedClientIdReturnsTheOriginalOrderInsteadOfPlacingTwice() throws Exception {
        Map<String, String> order = Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit",
                "price", "90", "quantity", "1", "clientId", "4242");
        JsonNode first = ok(post(buyer, "/api/v1/order", "orderExecute", order));
        JsonNode retry = ok(post(buyer, "/api/v1/order", "orderExecute", order));
        assertThat(retry.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ? AND client_id = 4242")
                .param(buyerId).query(Long.class).single()).isEqualTo(1);

        JsonNode cancelled = ok(delete(buyer, "/api/v1/order", "orderCancel",
                Map.of("symbol", "SOL_USDC", "clientId", "4242")));
        assertThat(cancelled.get("status").asString()).isEqualTo("Cancelled");
        assertThat(status(Long.parseLong(first.get("id").asString()))).isEqualTo("Cancelled");
        assertThat(jdbc.sql("SELECT locked FROM balance WHERE account_id = ? AND asset = 'USDC'").param(buyerId)
                .query(Long.class).single()).isZero();

        // A late retry gets the order as it is now (committed by an earlier batch), not as it was placed.
        JsonNode late = ok(post(buyer, "/api/v1/order", "orderExecute", order));
        assertThat(late.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(late.get("status").asString()).isEqualTo("Cancelled");
        // The same clientId with other parameters is a new order.
        JsonNode other = ok(post(buyer, "/api/v1/order", "orderExecute", Map.of("symbol", "SOL_USDC", "side", "Bid",
                "orderType", "Limit", "price", "91", "quantity", "1", "clientId", "4242")));
        assertThat(other.get("id").asString()).isNotEqualTo(first.get("id").asString());
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ? AND client_id = 4242")
                .param(buyerId).query(Long.class).single()).isEqualTo(2);
        ok(delete(buyer, "/api/v1/order", "orderCancel", Map.of("symbol", "SOL_USDC", "clientId", "4242")));
        assertConservation();
    }

    @Test
    void aRetryWhoseOriginalOrderCannotBeReadIsRefusedNotPlacedAgain() throws Exception {
        Map<String, String> order = Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit",
                "price", "80", "quantity", "1", "clientId", "5151");
        JsonNode first = ok(post(buyer, "/api/v1/order", "orderExecute", order));
        ok(delete(buyer, "/api/v1/order", "orderCancel", Map.of("symbol", "SOL_USDC", "clientId", "5151")));
        // Only an operator's hand could do this; the engine still remembers the clientId.
        jdbc.sql("DELETE FROM orders WHERE id = ?").param(Long.parseLong(first.get("id").asString())).update();

        HttpResponse<String> retry = post(buyer, "/api/v1/order", "orderExecute", order);
        assertThat(retry.statusCode()).isEqualTo(500);
        assertThat(code(retry)).isEqualTo("SERVER_ERROR");
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ? AND client_id = 5151")
                .param(buyerId).query(Long.class).single()).isZero();
        assertConservation();
    }

    @Test
    void cancelAllCancelsOnlyTheCallersOrders() throws Exception {
        ok(post(seller, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Ask", "orderType", "Limit", "price", "300", "quantity", "1")));
        ok(post(buyer, "/api/v1/order", "orderExecute", Map.of(
                "symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit", "price", "10", "quantity", "1")));
        JsonNode cancelled = ok(delete(buyer, "/api/v1/orders", "orderCancelAll", Map.of("symbol", "SOL_USDC")));
        assertThat(cancelled).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ? AND status = 'New'").param(sellerId)
                .query(Long.class).single()).isEqualTo(1);
        assertConservation();
    }

    @Test
    void committedBatchesArePublishedInBackpacksStreamFormat() throws Exception {
        java.util.Queue<String[]> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
        org.springframework.data.redis.listener.RedisMessageListenerContainer listeners =
                new org.springframework.data.redis.listener.RedisMessageListenerContainer();
        listeners.setConnectionFactory(connections);
        listeners.afterPropertiesSet();
        List<String> channels = List.of("depth.ETH_USDC", "trade.ETH_USDC", "bookTicker.ETH_USDC",
                "kline.1m.ETH_USDC", "ticker.ETH_USDC", "account.orderUpdate#" + buyerId,
                "account.orderUpdate.ETH_USDC#" + sellerId);
        for (String channel : channels) {
            listeners.addMessageListener((message, pattern) -> received.add(new String[] {
                    new String(message.getChannel()), new String(message.getBody())}),
                    new org.springframework.data.redis.listener.ChannelTopic(channel));
        }
        listeners.start();
        Thread.sleep(300);
        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, sellerId, "ETH", 200_000_000L,
                "it-eth-" + sellerId)).status()).isEqualTo(200);
        try {
            ok(post(seller, "/api/v1/order", "orderExecute", Map.of(
                    "symbol", "ETH_USDC", "side", "Ask", "orderType", "Limit", "price", "120", "quantity", "1")));
            ok(post(buyer, "/api/v1/order", "orderExecute", Map.of(
                    "symbol", "ETH_USDC", "side", "Bid", "orderType", "Market", "quantity", "0.4")));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.stream()
                    .anyMatch(m -> m[0].equals("ticker.ETH_USDC") && m[1].contains("\"c\":\"120\"")));
        } finally {
            listeners.stop();
            listeners.destroy();
        }
        Map<String, List<JsonNode>> byChannel = new java.util.HashMap<>();
        for (String[] message : received) {
            byChannel.computeIfAbsent(message[0], c -> new java.util.ArrayList<>()).add(json.readTree(message[1]));
        }
        List<JsonNode> depth = byChannel.get("depth.ETH_USDC");
        assertThat(depth).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < depth.size(); i++) {
            assertThat(depth.get(i).at("/data/U").asLong()).isEqualTo(depth.get(i - 1).at("/data/u").asLong() + 1);
        }
        assertThat(depth.getFirst().get("stream").asString()).isEqualTo("depth.ETH_USDC");
        JsonNode trade = byChannel.get("trade.ETH_USDC").getFirst().get("data");
        assertThat(trade.get("p").asString()).isEqualTo("120");
        assertThat(trade.get("q").asString()).isEqualTo("0.4");
        assertThat(trade.get("m").asBoolean()).isFalse();
        JsonNode top = byChannel.get("bookTicker.ETH_USDC").getLast().get("data");
        assertThat(top.get("a").asString()).isEqualTo("120");
        assertThat(top.get("A").asString()).isEqualTo("0.6");
        JsonNode candle = byChannel.get("kline.1m.ETH_USDC").getLast().get("data");
        assertThat(candle.get("c").asString()).isEqualTo("120");
        assertThat(candle.get("n").asLong()).isPositive();
        assertThat(byChannel.get("account.orderUpdate#" + buyerId)).extracting(m -> m.at("/data/e").asString())
                .contains("orderAccepted", "orderFill");
        assertThat(byChannel.get("account.orderUpdate#" + buyerId))
                .allSatisfy(m -> assertThat(m.get("stream").asString()).isEqualTo("account.orderUpdate"));
        assertThat(byChannel.get("account.orderUpdate.ETH_USDC#" + sellerId)).extracting(m -> m.at("/data/e").asString())
                .contains("orderAccepted", "orderFill");
        // Pub/sub channels are shared by every test context in this JVM; look for this context's ticker.
        assertThat(byChannel.get("ticker.ETH_USDC")).anySatisfy(m -> assertThat(m.at("/data/c").asString())
                .isEqualTo("120"));
    }

    private void assertConservation() {
        List<Map<String, Object>> mismatches = jdbc.sql("""
                SELECT a.symbol,
                       coalesce((SELECT sum(available + locked) FROM balance b WHERE b.asset = a.symbol), 0) AS held,
                       coalesce((SELECT sum(CASE kind WHEN 'Deposit' THEN amount ELSE -amount END)
                                 FROM ledger_entry l WHERE l.asset = a.symbol), 0) AS net
                FROM asset a""").query().listOfRows().stream()
                .filter(row -> ((Number) row.get("held")).longValue() != ((Number) row.get("net")).longValue())
                .toList();
        assertThat(mismatches).as("assets whose balances (fees included) differ from deposits - withdrawals")
                .isEmpty();
    }

    private long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    private String status(long orderId) {
        return jdbc.sql("SELECT status FROM orders WHERE id = ?").param(orderId).query(String.class).single();
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private String code(HttpResponse<String> response) {
        return json.readTree(response.body()).get("code").asString();
    }

    private HttpResponse<String> get(BackpackClient client, String path, String instruction) throws Exception {
        return client.get(path, instruction, Map.of());
    }

    private HttpResponse<String> post(BackpackClient client, String path, String instruction,
            Map<String, String> body) throws Exception {
        return send(client, "POST", path, instruction, body);
    }

    private HttpResponse<String> delete(BackpackClient client, String path, String instruction,
            Map<String, String> body) throws Exception {
        return send(client, "DELETE", path, instruction, body);
    }

    private HttpResponse<String> send(BackpackClient client, String method, String path, String instruction,
            Map<String, String> body) throws Exception {
        long ts = System.currentTimeMillis();
        String signature = client.sign(BackpackClient.signingString(instruction, body, ts, 5000));
        Map<String, Object> typed = new TreeMap<>(body);
        if (body.containsKey("clientId")) {
            typed.put("clientId", Long.parseLong(body.get("clientId")));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(typed)));
        return client.send(request, client.apiKey(), signature, ts, "5000");
    }
}
