package exchange.router.auth;

import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A token bucket per API key, local to this replica (with N replicas a key gets at most N times the rate;
 * the Ingress spreads a client's requests, so the effective limit stays near the configured one).
 * Thread-safe; idle buckets are evicted, so memory is bounded by the number of active keys.
 */
final class RateLimiter {

    private final double tokensPerNano;
    private final double burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(1, TimeUnit.MINUTES).maximumSize(1_000_000).build();

    RateLimiter(double requestsPerSecond, double burst) {
        this.tokensPerNano = requestsPerSecond / 1e9;
        this.burst = burst;
    }

    /** Takes one token for {@code key}; false when the bucket is empty. */
    boolean tryAcquire(String key) {
        return buckets.get(key, k -> new Bucket(burst, System.nanoTime())).tryTake(tokensPerNano, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized boolean tryTake(double tokensPerNano, double burst) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
            refilledAt = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
