package exchange.stream.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;
import exchange.stream.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The stream protocol end to end: real Redis, real WebSocket clients. */
@TestPropertySource(properties = {"exchange.stream.max-subscriptions=5", "exchange.stream.frames-per-second=20"})
class SubscriptionIT extends StreamIntegrationTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void garbageGetsErrorFramesAndTheConnectionStaysUsable() throws Exception {
        try (TestClient client = connect()) {
            assertError(client, "{not json", null, 4000, "Invalid JSON frame");
            assertError(client, "[1,2]", null, 4000, "Frame must be a JSON object");
            assertError(client, "{\"method\":\"FROBNICATE\",\"params\":[],\"id\":7}", 7, 4001,
                    "Unknown method: FROBNICATE");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"id\":8}", 8, 4002,
                    "params must be a non-empty array of stream names");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[42],\"id\":9}", 9, 4002,
                    "Stream names must be strings");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"nonsense\"],\"id\":10}", 10, 4003,
                    "Unknown stream: nonsense");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.DOGE_USDC\"]}", null, 4003,
                    "Unknown stream: trade.DOGE_USDC");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"kline.2m.SOL_USDC\"]}", null, 4003,
                    "Unknown stream: kline.2m.SOL_USDC");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.100ms.SOL_USDC\"]}", null, 4003,
                    "Unknown stream: depth.100ms.SOL_USDC");
            // all or nothing: the valid stream in a frame with an unknown one is not subscribed either
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\",\"trade.X_Y\"]}", null,
                    4003, "Unknown stream: trade.X_Y");
            assertThat(publisher.subscribers("trade.SOL_USDC")).isZero();

            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"],\"id\":11}");
            awaitRedisSubscribers("trade.SOL_USDC", 1);
            assertThat(client.poll(200)).as("a successful subscribe is not answered").isNull();
            String trade = TestData.trade("SOL_USDC", 1);
            publisher.publish("trade.SOL_USDC", trade);
            assertThat(client.poll(5000)).isEqualTo(trade);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void forwardsThePublishedBytesUnchangedUntilUnsubscribed() throws Exception {
        try (TestClient client = connect()) {
            List<String> streams = List.of("depth.SOL_USDC", "ticker.SOL_USDC", "bookTicker.SOL_USDC",
                    "kline.1m.SOL_USDC", "kline.1month.BTC_USDC");
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":" + TestData.jsonArray(streams.toArray(String[]::new))
                    + "}");
            for (String stream : streams) {
                awaitRedisSubscribers(stream, 1);
            }
            for (String stream : streams) {
                String envelope = "{\"stream\":\"" + stream
                        + "\",\"data\":{\"e\":\"x\",\"E\":1,\"s\":\"\u00e9 \u20ac \ud83d\ude80\"}}";
                publisher.publish(stream, envelope);
                assertThat(client.poll(5000)).isEqualTo(envelope);
            }
            client.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"ticker.SOL_USDC\"]}");
            awaitRedisSubscribers("ticker.SOL_USDC", 0);
            publisher.publish("ticker.SOL_USDC", "{\"stream\":\"ticker.SOL_USDC\",\"data\":{}}");
            assertThat(client.poll(300)).isNull();
            assertThat(publisher.subscribers("depth.SOL_USDC")).isEqualTo(1);
        }
        awaitRedisSubscribers("depth.SOL_USDC", 0);
    }

    @Test
    void subscribesToARedisChannelOnceAndDropsItWithTheLastClient() throws Exception {
        TestClient first = connect();
        TestClient second = connect();
        first.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.BTC_USDC\"]}");
        second.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.BTC_USDC\",\"trade.BTC_USDC\"]}");
        awaitSubscribers("trade.BTC_USDC", 2);
        awaitRedisSubscribers("trade.BTC_USDC", 1);
        assertThat(publisher.publish("trade.BTC_USDC", TestData.trade("BTC_USDC", 1))).isEqualTo(1);
        assertThat(first.poll(5000)).isNotNull();
        assertThat(second.poll(5000)).isNotNull();
        assertThat(second.poll(200)).as("a stream subscribed twice is delivered once").isNull();

        first.close();
        second.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"ticker.BTC_USDC\"]}");
        awaitRedisSubscribers("ticker.BTC_USDC", 1);
        assertThat(publisher.subscribers("trade.BTC_USDC")).isEqualTo(1);
        second.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"trade.BTC_USDC\",\"not.subscribed\"]}");
        awaitRedisSubscribers("trade.BTC_USDC", 0);
        second.close();
        awaitRedisSubscribers("ticker.BTC_USDC", 0);
    }

    @Test
    void fansOutEveryMessageInOrderToManyClients() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                TestClient client = connect();
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}");
                clients.add(client);
            }
            awaitSubscribers("trade.SOL_USDC", 50);
            awaitRedisSubscribers("trade.SOL_USDC", 1);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String trade = TestData.trade("SOL_USDC", i);
                sent.add(trade);
                publisher.publish("trade.SOL_USDC", trade);
            }
            for (TestClient client : clients) {
                assertThat(client.take(500, 10_000)).isEqualTo(sent);
            }
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    void aggregatesDepthDeltasPerWindow() throws Exception {
        try (TestClient client = connect()) {
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.1000ms.SOL_USDC\",\"depth.SOL_USDC\"]}");
            awaitSubscribers("depth.1000ms.SOL_USDC", 1);
            awaitSubscribers("depth.SOL_USDC", 1);
            awaitRedisSubscribers("depth.SOL_USDC", 1);
            publisher.publish("depth.SOL_USDC", delta(11, 11, "[[\"101\",\"5\"]]", "[[\"99\",\"1\"]]"));
            publisher.publish("depth.SOL_USDC", delta(12, 13, "[[\"101\",\"0\"],[\"102\",\"2\"]]", "[]"));
            List<JsonNode> frames = new ArrayList<>();
            for (String frame : client.take(3, 5000)) {
                frames.add(json.readTree(frame));
            }
            JsonNode aggregated = frames.stream()
                    .filter(f -> f.get("stream").asString().equals("depth.1000ms.SOL_USDC")).findFirst().orElseThrow();
            JsonNode data = aggregated.get("data");
            assertThat(data.get("e").asString()).isEqualTo("depth");
            assertThat(data.get("U").asLong()).isEqualTo(11);
            assertThat(data.get("u").asLong()).isEqualTo(13);
            assertThat(data.get("a").toString()).isEqualTo("[[\"101\",\"0\"],[\"102\",\"2\"]]");
            assertThat(data.get("b").toString()).isEqualTo("[[\"99\",\"1\"]]");
            assertThat(client.poll(1500)).as("quiet windows emit nothing").isNull();
        }
    }

    @Test
    void limitsSubscriptionsAndFrameRate() throws Exception {
        try (TestClient client = connect()) {
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\",\"depth.SOL_USDC\","
                    + "\"ticker.SOL_USDC\",\"kline.1m.SOL_USDC\"]}");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"kline.5m.SOL_USDC\",\"kline.1h.SOL_USDC\"]}",
                    null, 4004, "At most 5 subscriptions per connection");
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"kline.5m.SOL_USDC\"]}");
            assertThat(client.poll(300)).isNull();
        }
        try (TestClient client = connect()) {
            for (int i = 0; i < 100; i++) {
                client.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}");
            }
            JsonNode error = json.readTree(client.poll(5000));
            assertThat(error.at("/error/code").asInt()).isEqualTo(4005);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void readinessIncludesPostgresAndRedis() throws Exception {
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.body()).contains("stream_connections", "stream_subscriptions", "stream_messages_out",
                "stream_redis_lag", "stream_redis_connected");
    }

    private static String delta(long first, long last, String asks, String bids) {
        long micros = System.currentTimeMillis() * 1000;
        return "{\"stream\":\"depth.SOL_USDC\",\"data\":{\"e\":\"depth\",\"E\":" + micros + ",\"s\":\"SOL_USDC\","
                + "\"a\":" + asks + ",\"b\":" + bids + ",\"U\":" + first + ",\"u\":" + last + ",\"T\":" + micros
                + "}}";
    }

    private void assertError(TestClient client, String frame, Integer id, int code, String message)
            throws Exception {
        client.send(frame);
        String answer = client.poll(5000);
        assertThat(answer).as("answer to " + frame).isNotNull();
        JsonNode error = json.readTree(answer);
        if (id == null) {
            assertThat(error.get("id").isNull()).as(answer).isTrue();
        } else {
            assertThat(error.get("id").asInt()).isEqualTo(id);
        }
        assertThat(error.at("/error/code").asInt()).as(answer).isEqualTo(code);
        assertThat(error.at("/error/message").asString()).isEqualTo(message);
    }
}
