package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import exchange.stream.RawClient;
import exchange.stream.StreamIntegrationTest;
import exchange.stream.TestClient;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Server pings; a client that never answers is closed after the pong timeout, one that answers stays. */
@TestPropertySource(properties = {"exchange.stream.ping-interval=300ms", "exchange.stream.pong-timeout=1500ms"})
class KeepAliveIT extends StreamIntegrationTest {

    @Autowired
    ConnectionRegistry connections;

    @Test
    void closesSilentClientsAndKeepsAnsweringOnes() throws Exception {
        try (TestClient answering = connect(); RawClient silent = new RawClient(port)) {
            await(() -> connections.size() == 2, Duration.ofSeconds(5), "two connections");
            await(() -> connections.size() == 1, Duration.ofSeconds(5), "the silent client closed");
            Thread.sleep(2000);
            assertThat(answering.isOpen()).isTrue();
            assertThat(connections.size()).isEqualTo(1);
        }
    }
}
