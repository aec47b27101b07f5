package exchange.router.engine;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code exchange.engine.*}: the command stream, the leader lease and its batches.
 *
 * @param enabled        whether this replica competes for engine leadership (every router does by default)
 * @param streamKey      the Redis stream all replicas append commands to
 * @param streamMaxLength approximate bound of the stream; older entries are trimmed (the leader also trims
 *                        what it has committed)
 * @param lease          lease duration; a standby takes over this long after the leader stops renewing
 * @param standbyPoll    how often a standby checks the lease
 * @param batchMax       most commands applied and committed together (a batch may pass it by less than one
 *                       stream entry: a router groups up to 100 commands per entry, a larger request goes whole)
 * @param ackTimeout     how long order entry waits for the engine before answering 503 TIMEOUT
 * @param maxPending     most requests a replica waits on at once; beyond it, 503 at once
 * @param idempotencyWindow how long a repeated clientId order with the same parameters returns the original
 */
@ConfigurationProperties("exchange.engine")
public record EngineProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("exchange:commands") String streamKey,
        @DefaultValue("1000000") long streamMaxLength,
        @DefaultValue("3s") Duration lease,
        @DefaultValue("500ms") Duration standbyPoll,
        @DefaultValue("2000") int batchMax,
        @DefaultValue("5s") Duration ackTimeout,
        @DefaultValue("20000") int maxPending,
        @DefaultValue("10m") Duration idempotencyWindow) {
}
