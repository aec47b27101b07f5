package exchange.stream;

import exchange.common.lifecycle.ParentWatchdog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * ws-stream: Backpack's WebSocket stream protocol on port 4000, fanning market data and order updates out from
 * Redis pub/sub. Protocol and publisher contract: docs/STREAMS.md.
 */
@SpringBootApplication
@EnableConfigurationProperties(StreamProperties.class)
public class StreamApplication {

    public static void main(String[] args) {
        ParentWatchdog.installFromEnvironment();
        SpringApplication.run(StreamApplication.class, args);
    }
}
