package exchange.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** ws-stream with a real Redis and a real WebSocket client. */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StreamApplicationIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        registry.add("spring.data.redis.host", infrastructure::redisHost);
        registry.add("spring.data.redis.port", infrastructure::redisPort);
    }

    @LocalServerPort
    int port;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void acceptsWebSocketConnectionsAtTheRootAndAnswersGarbageWithAnErrorFrame() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(5, TimeUnit.SECONDS);

        socket.sendText("{not json", true).get(5, TimeUnit.SECONDS);
        JsonNode error = json.readTree(received.poll(5, TimeUnit.SECONDS));
        assertThat(error.at("/error/message").asString()).isEqualTo("Invalid JSON frame");

        socket.sendText("{\"method\":\"FROBNICATE\",\"params\":[],\"id\":7}", true).get(5, TimeUnit.SECONDS);
        JsonNode unknown = json.readTree(received.poll(5, TimeUnit.SECONDS));
        assertThat(unknown.get("id").asInt()).isEqualTo(7);
        assertThat(unknown.at("/error/message").asString()).isEqualTo("Unknown method: FROBNICATE");

        socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.SOL_USDC\"],\"id\":8}", true)
                .get(5, TimeUnit.SECONDS);
        assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(socket.isOutputClosed()).isFalse();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void readinessIncludesRedis() throws Exception {
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
    }
}
