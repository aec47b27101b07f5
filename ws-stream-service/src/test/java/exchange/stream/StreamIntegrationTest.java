package exchange.stream;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.stream.fanout.Fanout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole ws-stream app on a random port against the JVM's real PostgreSQL (a fresh database with markets
 * SOL_USDC and BTC_USDC) and Redis; a {@link TestPublisher} plays the engine leader. Each test class gets its own
 * application context, closed after the class.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "exchange.stream.shutdown-grace=1s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class StreamIntegrationTest {

    protected static String databaseUrl;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        Map<String, String> properties = TestInfrastructure.shared().springProperties();
        properties.forEach((name, value) -> registry.add(name, () -> value));
        databaseUrl = properties.get("spring.datasource.url");
        TestData.markets(databaseUrl);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected Fanout fanout;

    protected TestPublisher publisher;

    @BeforeEach
    void openPublisher() {
        publisher = new TestPublisher();
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    protected TestClient connect() throws Exception {
        return TestClient.connect(port);
    }

    /** Waits until Redis counts {@code count} subscribers of {@code channel} (subscribing is asynchronous). */
    protected void awaitRedisSubscribers(String channel, long count) {
        await(() -> publisher.subscribers(channel) == count, Duration.ofSeconds(10),
                "Redis subscribers of " + channel + " == " + count);
    }

    /** Waits until {@code count} connections are subscribed to the fan-out topic {@code key}. */
    protected void awaitSubscribers(String key, int count) {
        await(() -> fanout.subscriberCount(key) == count, Duration.ofSeconds(10), count + " subscribers of " + key);
    }

    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
