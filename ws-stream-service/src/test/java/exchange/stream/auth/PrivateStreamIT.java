package exchange.stream.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;
import exchange.stream.TestData;
import exchange.stream.TestData.ApiKey;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Signed subscriptions to {@code account.orderUpdate[.<symbol>]}: one account never sees another's orders. */
class PrivateStreamIT extends StreamIntegrationTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eachAccountReceivesOnlyItsOwnOrderUpdates() throws Exception {
        ApiKey alice = TestData.account(databaseUrl, 2001);
        ApiKey bob = TestData.account(databaseUrl, 2002);
        try (TestClient aliceAll = connect(); TestClient aliceSol = connect(); TestClient bobAll = connect()) {
            aliceAll.send(alice.subscribeFrame("account.orderUpdate"));
            aliceSol.send(alice.subscribeFrame("account.orderUpdate.SOL_USDC"));
            bobAll.send(bob.subscribeFrame("account.orderUpdate"));
            awaitRedisSubscribers("account.orderUpdate#2001", 1);
            awaitRedisSubscribers("account.orderUpdate.SOL_USDC#2001", 1);
            awaitRedisSubscribers("account.orderUpdate#2002", 1);

            publishOrder(2002, "SOL_USDC", "bob-1");
            publishOrder(2001, "BTC_USDC", "alice-1");
            publishOrder(2001, "SOL_USDC", "alice-2");
            publishOrder(2002, "BTC_USDC", "bob-2");

            assertThat(orderIds(aliceAll, 2)).containsExactly("alice-1", "alice-2");
            assertThat(orderIds(aliceSol, 1)).containsExactly("alice-2");
            assertThat(orderIds(bobAll, 2)).containsExactly("bob-1", "bob-2");
            assertThat(aliceAll.poll(300)).isNull();
            assertThat(aliceSol.poll(10)).isNull();
            assertThat(bobAll.poll(10)).isNull();
            JsonNode envelope = json.readTree(TestData.orderUpdate("account.orderUpdate.SOL_USDC", "SOL_USDC", "x"));
            assertThat(envelope.get("stream").asString()).isEqualTo("account.orderUpdate.SOL_USDC");
        }
    }

    @Test
    void badSignaturesGetAnErrorFrameAndNoData() throws Exception {
        ApiKey carol = TestData.account(databaseUrl, 2003);
        ApiKey mallory = TestData.account(databaseUrl, 2004);
        ApiKey revoked = TestData.account(databaseUrl, 2005);
        TestData.revoke(databaseUrl, revoked);
        long now = System.currentTimeMillis();
        try (TestClient client = connect()) {
            String forged = mallory.subscribeFrame("account.orderUpdate").replace(mallory.apiKey(), carol.apiKey());
            assertError(client, forged, 4006, "Invalid signature");
            assertError(client, revoked.subscribeFrame("account.orderUpdate"), 4006, "Invalid signature");
            String unknownKey = TestData.account(databaseUrl, 2006).subscribeFrame("account.orderUpdate");
            TestData.execute(databaseUrl, "DELETE FROM api_key WHERE account_id = 2006");
            assertError(client, unknownKey, 4006, "Invalid signature");
            assertError(client, carol.subscribeFrame(now - 10_000, 5000, "account.orderUpdate"), 4007,
                    "Timestamp is outside the window");
            assertError(client, carol.subscribeFrame(now, 60_001, "account.orderUpdate"), 4007,
                    "Window must be between 1 and 60000 ms");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"account.orderUpdate\"]}", 4006,
                    "Private streams need \"signature\": [apiKey, signature, timestamp, window]");
            assertError(client, "{\"method\":\"SUBSCRIBE\",\"params\":[\"account.orderUpdate\"],"
                    + "\"signature\":[\"a\",\"b\",\"c\",\"d\"]}", 4006, "Signature values are not base64 / integers");

            publishOrder(2003, "SOL_USDC", "carol-1");
            publishOrder(2005, "SOL_USDC", "revoked-1");
            assertThat(client.poll(300)).isNull();
            assertThat(publisher.subscribers("account.orderUpdate#2003")).isZero();

            client.send(carol.subscribeFrame(now, 5000, "account.orderUpdate"));
            awaitRedisSubscribers("account.orderUpdate#2003", 1);
            assertError(client, mallory.subscribeFrame("account.orderUpdate.SOL_USDC"), 4009,
                    "This connection is already subscribed with another account's key");
            publishOrder(2003, "SOL_USDC", "carol-2");
            assertThat(orderIds(client, 1)).containsExactly("carol-2");
            assertThat(publisher.subscribers("account.orderUpdate.SOL_USDC#2004")).isZero();
        }
    }

    private void publishOrder(long account, String symbol, String orderId) {
        publisher.publish("account.orderUpdate#" + account,
                TestData.orderUpdate("account.orderUpdate", symbol, orderId));
        publisher.publish("account.orderUpdate." + symbol + "#" + account,
                TestData.orderUpdate("account.orderUpdate." + symbol, symbol, orderId));
    }

    private List<String> orderIds(TestClient client, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String frame : client.take(count, 5000)) {
            ids.add(json.readTree(frame).at("/data/i").asString());
        }
        return ids;
    }

    private void assertError(TestClient client, String frame, int code, String message) throws Exception {
        client.send(frame);
        String answer = client.poll(5000);
        assertThat(answer).as("answer to " + frame).isNotNull();
        JsonNode error = json.readTree(answer);
        assertThat(error.at("/error/code").asInt()).as(answer).isEqualTo(code);
        assertThat(error.at("/error/message").asString()).isEqualTo(message);
    }
}
