package exchange.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import exchange.stream.TestData.ApiKey;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The client traders use: ccxt 4.5's {@code backpack} WebSocket adapter (node) watches the order book (REST
 * snapshot from a stub standing in for the router, then depth deltas), trades, ticker, K-lines and its own orders
 * through ws-stream. Needs node and an installed ccxt: set {@code EXCHANGE_CCXT_MODULES} to the
 * {@code node_modules} directory holding it ({@code npm install ccxt@4.5}); skipped otherwise. Tagged slow.
 */
@Tag("slow")
class CcxtIT extends StreamIntegrationTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void ccxtWatchesPublicStreamsAndItsOwnOrders() throws Exception {
        String modules = System.getenv("EXCHANGE_CCXT_MODULES");
        Assumptions.assumeTrue(modules != null && Files.isDirectory(Path.of(modules, "ccxt")),
                "EXCHANGE_CCXT_MODULES does not point at a node_modules with ccxt");
        ApiKey trader = TestData.account(databaseUrl, 3001);
        HttpServer rest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rest.createContext("/api/v1/depth", exchange -> {
            byte[] body = ("{\"asks\":[[\"101\",\"1\"]],\"bids\":[[\"99\",\"2\"]],\"lastUpdateId\":\"105\","
                    + "\"timestamp\":" + System.currentTimeMillis() * 1000 + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        rest.start();
        Path script = Path.of(getClass().getResource("/ccxt/watch.cjs").toURI());
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), "ws://127.0.0.1:" + port + "/",
                trader.apiKey(), trader.secret(), "http://127.0.0.1:" + rest.getAddress().getPort())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("CCXT_MODULES", modules);
        Process node = builder.start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                    return reader.readLine();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (String key : new String[] {"depth.SOL_USDC", "trade.SOL_USDC", "ticker.SOL_USDC", "kline.1m.SOL_USDC",
                    "account.orderUpdate#3001"}) {
                await(() -> fanout.subscriberCount(key) == 1 || output.isDone(), Duration.ofSeconds(60),
                        "ccxt subscribed to " + key);
            }
            assertThat(output.isDone()).as("ccxt ended early: %s", output.getNow(null)).isFalse();

            // ccxt caches 10 deltas, then fetches the snapshot (lastUpdateId 105) and applies what follows it
            for (long id = 100; id < 120; id++) {
                publisher.publish("depth.SOL_USDC", "{\"stream\":\"depth.SOL_USDC\",\"data\":{\"e\":\"depth\",\"E\":"
                        + id + ",\"s\":\"SOL_USDC\",\"a\":[[\"101\",\"" + id + "\"]],\"b\":[],\"U\":" + id + ",\"u\":" + id
                        + ",\"T\":" + id + "}}");
                Thread.sleep(id < 112 ? 0 : 200);
            }
            long micros = 1_754_176_123_312_507L;
            publisher.publish("trade.SOL_USDC", "{\"stream\":\"trade.SOL_USDC\",\"data\":{\"e\":\"trade\",\"E\":"
                    + micros + ",\"s\":\"SOL_USDC\",\"p\":\"101.25\",\"q\":\"0.5\",\"b\":\"111\",\"a\":\"222\","
                    + "\"t\":77,\"T\":" + micros + ",\"m\":false}}");
            publisher.publish("ticker.SOL_USDC", "{\"stream\":\"ticker.SOL_USDC\",\"data\":{\"e\":\"ticker\",\"E\":"
                    + micros + ",\"s\":\"SOL_USDC\",\"o\":\"100\",\"c\":\"101.25\",\"h\":\"102\",\"l\":\"99\","
                    + "\"v\":\"12.5\",\"V\":\"1265.6\",\"n\":3}}");
            publisher.publish("kline.1m.SOL_USDC", "{\"stream\":\"kline.1m.SOL_USDC\",\"data\":{\"e\":\"kline\",\"E\":"
                    + micros + ",\"s\":\"SOL_USDC\",\"t\":\"2025-08-02T23:08:00\",\"T\":\"2025-08-02T23:09:00\","
                    + "\"o\":\"100\",\"c\":\"101.25\",\"h\":\"102\",\"l\":\"99\",\"v\":\"12.5\",\"n\":3,\"X\":false}}");
            publisher.publish("account.orderUpdate#3001",
                    TestData.orderUpdate("account.orderUpdate", "SOL_USDC", "order-42"));

            JsonNode result = json.readTree(output.get(60, TimeUnit.SECONDS));
            assertThat(result.has("error")).as(result.toString()).isFalse();
            long nonce = result.at("/book/nonce").asLong();
            assertThat(nonce).isBetween(106L, 119L);
            assertThat(result.at("/book/asks/0/0").asDouble()).isEqualTo(101);
            assertThat(result.at("/book/asks/0/1").asLong()).as("the last delta applied").isEqualTo(nonce);
            assertThat(result.at("/book/bids/0").toString()).isEqualTo("[99,2]");
            JsonNode trade = result.at("/trades/0");
            assertThat(trade.get("id").asString()).isEqualTo("77");
            assertThat(trade.get("price").asDouble()).isEqualTo(101.25);
            assertThat(trade.get("amount").asDouble()).isEqualTo(0.5);
            assertThat(trade.get("side").asString()).isEqualTo("buy");
            assertThat(trade.get("timestamp").asLong()).isEqualTo(micros / 1000);
            assertThat(result.at("/ticker/last").asDouble()).isEqualTo(101.25);
            assertThat(result.at("/ticker/high").asDouble()).isEqualTo(102);
            assertThat(result.at("/candles/0/1").asDouble()).isEqualTo(100);
            assertThat(result.at("/candles/0/4").asDouble()).isEqualTo(101.25);
            JsonNode order = result.at("/orders/0");
            assertThat(order.get("id").asString()).isEqualTo("order-42");
            assertThat(order.get("symbol").asString()).isEqualTo("SOL/USDC");
            assertThat(order.get("status").asString()).isEqualTo("open");
            assertThat(order.get("side").asString()).isEqualTo("buy");
        } finally {
            node.destroyForcibly();
            rest.stop(0);
        }
    }
}
