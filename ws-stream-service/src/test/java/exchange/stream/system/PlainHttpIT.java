package exchange.stream.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;

import org.junit.jupiter.api.Test;

/** Plain HTTP on the WebSocket port: Backpack-shaped errors, probes still served, WebSocket unaffected. */
class PlainHttpIT extends StreamIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void requestsThatAreNotAWebSocketHandshakeGetBackpackErrors() throws Exception {
        assertError(send("GET", "/"), 400, "INVALID_CLIENT_REQUEST");
        assertError(send("GET", "/streams"), 404, "RESOURCE_NOT_FOUND");
        assertError(send("GET", "/%61ctuator/health"), 404, "RESOURCE_NOT_FOUND");
        assertError(send("GET", "/actuator/env"), 404, "RESOURCE_NOT_FOUND");
        HttpResponse<String> post = send("POST", "/");
        assertError(post, 405, "INVALID_CLIENT_REQUEST");
        assertThat(post.headers().firstValue("Allow")).contains("GET");
    }

    @Test
    void probesAndWebSocketsStillWork() throws Exception {
        HttpResponse<String> health = send("GET", "/actuator/health/liveness");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        try (TestClient client = connect()) {
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"],\"id\":1}");
            awaitSubscribers("trade.SOL_USDC", 1);
        }
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).startsWith("{\"code\":\"" + code + "\",\"message\":\"");
    }
}
