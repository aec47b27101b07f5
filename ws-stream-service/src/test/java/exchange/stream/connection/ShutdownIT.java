package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.stream.StreamApplication;
import exchange.stream.TestClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** On shutdown every client gets a Close frame (1001) before the server stops. */
@ExtendWith(RealInfrastructure.class)
class ShutdownIT {

    @Test
    void sendsGoingAwayToEveryClientOnShutdown() throws Exception {
        Map<String, Object> properties = new java.util.HashMap<>(TestInfrastructure.shared().springProperties());
        properties.put("server.port", "0");
        properties.put("exchange.stream.shutdown-grace", "5s");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(StreamApplication.class)
                .properties(properties).run();
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        TestClient first = TestClient.connect(port);
        TestClient second = TestClient.connect(port);
        long started = System.nanoTime();
        app.close();
        assertThat(first.closeCode(5000)).isEqualTo(1001);
        assertThat(second.closeCode(5000)).isEqualTo(1001);
        assertThat((System.nanoTime() - started) / 1_000_000).as("clients that answer the Close do not wait out the grace")
                .isLessThan(5000);
    }
}
