package exchange.router.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code exchange.admin.*}: the operator API.
 *
 * @param port  its own port, never routed by the Ingress (0 picks a free one, for tests)
 * @param token the bearer token operators send; when empty, every admin request is refused
 */
@ConfigurationProperties("exchange.admin")
record AdminProperties(@DefaultValue("8081") int port, @DefaultValue("") String token) {
}
