package exchange.router.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code exchange.auth.*}: signed-request checks and per-key rate limits.
 *
 * @param maxWindowMillis     largest X-Window accepted (Backpack: 60000)
 * @param maxClockSkewMillis  how far in the future X-Timestamp may be, for clients whose clock runs ahead
 * @param keyCacheTtl         how long a key lookup (found or not) is cached; bounds how late a revocation bites
 * @param maxBodyBytes        largest signed request body read
 * @param requestsPerSecond   per-key sustained rate; past it requests get 429 TOO_MANY_REQUESTS
 * @param burst               per-key bucket size
 */
@ConfigurationProperties("exchange.auth")
record AuthProperties(
        @DefaultValue("60000") long maxWindowMillis,
        @DefaultValue("5000") long maxClockSkewMillis,
        @DefaultValue("5s") Duration keyCacheTtl,
        @DefaultValue("65536") int maxBodyBytes,
        @DefaultValue("2000") double requestsPerSecond,
        @DefaultValue("4000") double burst) {
}
