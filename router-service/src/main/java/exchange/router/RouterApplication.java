package exchange.router;

import exchange.common.lifecycle.ParentWatchdog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The router: Backpack-compatible REST API and, on the replica that holds the engine lease, the matching engine.
 */
@SpringBootApplication
public class RouterApplication {

    public static void main(String[] args) {
        ParentWatchdog.installFromEnvironment();
        SpringApplication.run(RouterApplication.class, args);
    }
}
