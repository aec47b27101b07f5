package exchange.stream;

import java.time.Duration;

/** The defaults of application.yaml, for unit tests that build components by hand. */
public final class TestProperties {

    private TestProperties() {
    }

    public static StreamProperties defaults() {
        return new StreamProperties(4096, 100, 10_000, 10, 2048, 1_048_576, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(30),
                10_000, Duration.ofSeconds(30), 0, 65_536, Duration.ofMillis(20));
    }
}
