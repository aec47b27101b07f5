package exchange.router.marketdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The two halves of the Redis contract against each other: orders go through the real engine leader, which
 * commits to PostgreSQL and then caches the book and the recent trades in Redis; the depth and trades a router
 * serves from that cache must equal what it computes from PostgreSQL once the keys are gone (a restarted
 * Redis). The command stream is private to this class so no other test context's leader takes its commands.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.demo.enabled=true",
        "exchange.engine.stream-key=exchange:commands:market-data-from-engine-it"})
class MarketDataFromEngineIT {

    private static final String MARKET = "SOL_USDC";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    CommandBus bus;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private BackpackClient seller;
    private BackpackClient buyer;

    @BeforeEach
    void accounts() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                jdbc.sql("SELECT lease_until > clock_timestamp() FROM engine_lease").query(Boolean.class).single());
        seller = new BackpackClient("http://127.0.0.1:" + port);
        buyer = new BackpackClient("http://127.0.0.1:" + port);
        account(seller, "SOL", new BigDecimal("100").movePointRight(9).longValueExact());
        account(buyer, "USDC", new BigDecimal("100000").movePointRight(6).longValueExact());
        // Other test classes trade SOL_USDC in their own databases through the same Redis.
        redis.delete(List.of(MarketDataCache.TRADES_KEY + MARKET, MarketDataCache.DEPTH_KEY + MARKET));
    }

    private void account(BackpackClient client, String asset, long units) {
        long id = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'it')").param(id).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(client.apiKey(), id).update();
        EngineReply reply = bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, id, asset, units,
                "md-it-" + id + "-" + asset));
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void whatTheLeaderCachesEqualsWhatPostgresSays() throws Exception {
        for (String price : List.of("101", "101", "102.5", "104")) {
            place(seller, "Ask", price, "1.5");
        }
        for (String price : List.of("99", "98.25", "98.25", "97")) {
            place(buyer, "Bid", price, "2");
        }
        place(buyer, "Bid", "101", "2");
        place(seller, "Ask", "98.25", "2.5");

        long updateId = jdbc.sql("SELECT depth_update_id FROM market WHERE symbol = ?").param(MARKET)
                .query(Long.class).single();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cachedDepthId().equals(Long.toString(updateId)));
        String leaderBook = redis.opsForValue().get(MarketDataCache.DEPTH_KEY + MARKET);
        for (String limit : List.of("5", "1000")) {
            redis.opsForValue().set(MarketDataCache.DEPTH_KEY + MARKET, leaderBook);
            JsonNode cached = ok("/api/v1/depth?symbol=" + MARKET + "&limit=" + limit);
            redis.delete(MarketDataCache.DEPTH_KEY + MARKET);
            JsonNode computed = ok("/api/v1/depth?symbol=" + MARKET + "&limit=" + limit);
            for (String field : List.of("asks", "bids", "lastUpdateId")) {
                assertThat(cached.get(field)).as(field + " with limit " + limit).isEqualTo(computed.get(field));
            }
            assertThat(cached.get("asks")).isNotEmpty();
            assertThat(cached.get("bids")).isNotEmpty();
        }

        long trades = jdbc.sql("SELECT count(*) FROM trade WHERE symbol = ?").param(MARKET).query(Long.class).single();
        assertThat(trades).isGreaterThanOrEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                redis.opsForList().size(MarketDataCache.TRADES_KEY + MARKET) == trades);
        JsonNode cached = ok("/api/v1/trades?symbol=" + MARKET + "&limit=" + trades);
        redis.delete(MarketDataCache.TRADES_KEY + MARKET);
        assertThat(cached).isEqualTo(ok("/api/v1/trades?symbol=" + MARKET + "&limit=" + trades));
    }

    private String cachedDepthId() {
        String value = redis.opsForValue().get(MarketDataCache.DEPTH_KEY + MARKET);
        return value == null ? "" : json.readTree(value).get("lastUpdateId").asString();
    }

    private void place(BackpackClient client, String side, String price, String quantity) throws Exception {
        Map<String, String> body = Map.of("symbol", MARKET, "side", side, "orderType", "Limit", "price", price,
                "quantity", quantity);
        long ts = System.currentTimeMillis();
        String signature = client.sign(BackpackClient.signingString("orderExecute", body, ts, 5000));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/order"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))), client.apiKey(),
                signature, ts, "5000");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
