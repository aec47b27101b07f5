package exchange.stream.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class DepthAggregatorTests {

    private static final Route ROUTE = Route.aggregated("depth.200ms.SOL_USDC", "depth.SOL_USDC", Duration.ofMillis(100));

    private final ObjectMapper json = new ObjectMapper();
    private final DepthAggregator aggregator = new DepthAggregator(json);
    private final BlockingQueue<String> emitted = new LinkedBlockingQueue<>();

    DepthAggregatorTests() {
        aggregator.sink((key, message) -> emitted.add(key + " " + message.getPayload()));
        aggregator.start(ROUTE);
    }

    @AfterEach
    void stop() {
        aggregator.destroy();
    }

    @Test
    void mergesAWindowLastWriteWinsWithFirstUAndLastU() throws Exception {
        aggregator.onDelta("depth.SOL_USDC", delta(5, 5, "[[\"10.5\",\"1\"],[\"11\",\"2\"]]", "[[\"9\",\"4\"]]", 100));
        aggregator.onDelta("depth.SOL_USDC", delta(6, 8, "[[\"10.50\",\"0\"]]", "[[\"9.5\",\"1\"]]", 200));
        aggregator.onDelta("depth.OTHER_USDC", delta(1, 1, "[[\"1\",\"1\"]]", "[]", 1));

        JsonNode envelope = next();
        assertThat(envelope.get("stream").asString()).isEqualTo("depth.200ms.SOL_USDC");
        JsonNode data = envelope.get("data");
        assertThat(data.get("U").asLong()).isEqualTo(5);
        assertThat(data.get("u").asLong()).isEqualTo(8);
        assertThat(data.get("T").asLong()).isEqualTo(200);
        assertThat(data.get("a").toString()).isEqualTo("[[\"10.50\",\"0\"],[\"11\",\"2\"]]");
        assertThat(data.get("b").toString()).isEqualTo("[[\"9.5\",\"1\"],[\"9\",\"4\"]]");
        assertThat(emitted.poll(300, TimeUnit.MILLISECONDS)).as("nothing changed since").isNull();
    }

    @Test
    void aGapFlushesWhatCameBeforeIt() throws Exception {
        aggregator.onDelta("depth.SOL_USDC", delta(1, 2, "[[\"10\",\"1\"]]", "[]", 1));
        aggregator.onDelta("depth.SOL_USDC", delta(7, 7, "[[\"10\",\"3\"]]", "[]", 2));
        JsonNode before = next().get("data");
        JsonNode after = next().get("data");
        assertThat(before.get("u").asLong()).isEqualTo(2);
        assertThat(after.get("U").asLong()).isEqualTo(7);
        assertThat(after.get("a").toString()).isEqualTo("[[\"10\",\"3\"]]");
    }

    @Test
    void stoppedWindowsEmitNothing() throws Exception {
        aggregator.stop(ROUTE);
        aggregator.onDelta("depth.SOL_USDC", delta(1, 1, "[[\"10\",\"1\"]]", "[]", 1));
        assertThat(emitted.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    private JsonNode next() throws InterruptedException {
        String line = emitted.poll(2, TimeUnit.SECONDS);
        assertThat(line).isNotNull();
        return json.readTree(line.substring(line.indexOf(' ') + 1));
    }

    private static byte[] delta(long first, long last, String asks, String bids, long engineTime) {
        return ("{\"stream\":\"depth.SOL_USDC\",\"data\":{\"e\":\"depth\",\"E\":" + engineTime
                + ",\"s\":\"SOL_USDC\",\"a\":" + asks + ",\"b\":" + bids + ",\"U\":" + first + ",\"u\":" + last
                + ",\"T\":" + engineTime + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
