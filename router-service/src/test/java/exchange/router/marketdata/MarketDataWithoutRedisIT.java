package exchange.router.marketdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

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
 * With Redis unreachable (nothing listens on its port) every market data endpoint still answers from
 * PostgreSQL: Redis is a cache, never a dependency of a read.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "exchange.engine.enabled=false")
class MarketDataWithoutRedisIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
        int closedPort = TestInfrastructure.freePort();
        registry.add("spring.data.redis.port", () -> Integer.toString(closedPort));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void market() {
        jdbc.sql("INSERT INTO asset (symbol, display_name, decimals) VALUES ('NRB', 'NRB', 6), ('NRQ', 'NRQ', 6)")
                .update();
        jdbc.sql("""
                INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                    maker_fee_ppm, taker_fee_ppm, depth_update_id)
                VALUES ('NRB_NRQ', 'NRB', 'NRQ', 0.01, 0.01, 0.01, 0, 0, 5)""").update();
        jdbc.sql("INSERT INTO account (id, label) VALUES (3001, 'a')").update();
        jdbc.sql("""
                INSERT INTO orders (id, account_id, symbol, side, order_type, time_in_force, post_only,
                    self_trade_prevention, price, quantity, executed_quantity, executed_quote_quantity, status,
                    priority, created_at, updated_at)
                VALUES (1, 3001, 'NRB_NRQ', 'Bid', 'Limit', 'GTC', false, 'RejectTaker', 9.5, 2, 0, 0, 'New', 1,
                        now(), now())""").update();
        jdbc.sql("""
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                    taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset, taker_fee,
                    taker_fee_asset, created_at)
                VALUES (1, 'NRB_NRQ', 10, 1, 10, 'Bid', 1, 2, 3001, 3001, 0, 'NRQ', 0, 'NRQ', ?)""")
                .param(Timestamp.from(Instant.now().minusSeconds(60))).update();
    }

    @Test
    void everyCachedEndpointAnswersFromPostgres() throws Exception {
        JsonNode depth = ok("/api/v1/depth?symbol=NRB_NRQ");
        assertThat(depth.get("bids").get(0).get(0).asString()).isEqualTo("9.5");
        assertThat(depth.get("lastUpdateId").asString()).isEqualTo("5");
        assertThat(ok("/api/v1/ticker?symbol=NRB_NRQ").get("lastPrice").asString()).isEqualTo("10");
        assertThat(ok("/api/v1/tickers")).hasSize(1);
        assertThat(ok("/api/v1/trades?symbol=NRB_NRQ").get(0).get("price").asString()).isEqualTo("10");
        HttpResponse<String> unknown = get("/api/v1/depth?symbol=NOPE_NRQ");
        assertThat(unknown.statusCode()).isEqualTo(400);
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
