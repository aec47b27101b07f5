package exchange.router.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code exchange.demo.*}: demo markets and a funded demo account for local development.
 *
 * @param enabled whether to seed at start-up (idempotent; off by default, on in the local stack)
 * @param apiKey  base64 ED25519 public key of the demo account (its X-API-Key)
 */
@ConfigurationProperties("exchange.demo")
record DemoProperties(boolean enabled, String apiKey) {
}
