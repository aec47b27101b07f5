package exchange.stream;

import exchange.common.lifecycle.ParentWatchdog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * ws-stream: Backpack's WebSocket stream protocol on port 4000, fanning market data out from Redis.
 */
@SpringBootApplication
public class StreamApplication {

    public static void main(String[] args) {
        ParentWatchdog.installFromEnvironment();
        SpringApplication.run(StreamApplication.class, args);
    }
}
