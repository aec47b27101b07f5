package exchange.router.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import exchange.router.system.ApiException;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks the four Backpack auth headers against a signing string: the timestamp is inside its window, the
 * key exists and is not revoked, the signature verifies, and then the key is within its rate limit.
 * Every failure is an {@link ApiException} with 401 (429 for the rate limit). Thread-safe.
 */
@Component
class RequestAuthenticator {

    private static final long DEFAULT_WINDOW = 5000;

    private final ApiKeyRepository keys;
    private final AuthProperties properties;
    private final Clock clock;
    private final RateLimiter rateLimiter;
    private final Cache<String, Optional<Key>> keyCache;

    record Key(long accountId, Ed25519Verifier verifier) {
    }

    /** What the signing string is built from, so it is built only after the cheap checks pass. */
    interface SignedContent {
        String signingString(String instruction, long timestamp, long window, boolean urlEncoded);
    }

    RequestAuthenticator(ApiKeyRepository keys, AuthProperties properties, Clock clock) {
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
        this.rateLimiter = new RateLimiter(properties.requestsPerSecond(), properties.burst());
        this.keyCache = Caffeine.newBuilder().expireAfterWrite(properties.keyCacheTtl())
                .maximumSize(100_000).build();
    }

    AuthenticatedAccount authenticate(String instruction, String apiKey, String signature, String timestamp,
            String window, SignedContent content) {
        if (isBlank(apiKey) || isBlank(signature) || isBlank(timestamp)) {
            throw unauthorized("Missing X-API-Key, X-Signature or X-Timestamp header");
        }
        long ts = parse(timestamp, "X-Timestamp");
        long win = isBlank(window) ? DEFAULT_WINDOW : parse(window, "X-Window");
        if (win <= 0 || win > properties.maxWindowMillis()) {
            throw unauthorized("X-Window must be between 1 and " + properties.maxWindowMillis());
        }
        long now = clock.millis();
        if (ts + win < now) {
            throw unauthorized("Request has expired: X-Timestamp plus X-Window is in the past");
        }
        if (ts > now + properties.maxClockSkewMillis()) {
            throw unauthorized("X-Timestamp is in the future");
        }
        if (!plausibleKey(apiKey)) {
            // Not a base64 32-byte key: refused without a database lookup.
            throw unauthorized("Unknown or revoked API key");
        }
        Key key;
        try {
            key = keyCache.get(apiKey, this::lookup).orElseThrow(() -> unauthorized("Unknown or revoked API key"));
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // The key store (PostgreSQL) is unreachable: a retryable 503, never a 500.
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "SERVER_ERROR",
                    "Cannot check the API key right now; retry shortly");
        }
        BooleanSupplier raw = () -> key.verifier().verify(signature,
                content.signingString(instruction, ts, win, false).getBytes(StandardCharsets.UTF_8));
        BooleanSupplier encoded = () -> key.verifier().verify(signature,
                content.signingString(instruction, ts, win, true).getBytes(StandardCharsets.UTF_8));
        // Clients sign raw values (Backpack's docs) or URL-encoded ones (ccxt); both agree for plain values.
        if (!raw.getAsBoolean() && !encoded.getAsBoolean()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_SIGNATURE", "Invalid signature");
        }
        // Charged only once the signature holds: whoever merely knows a key cannot spend its owner's budget.
        if (!rateLimiter.tryAcquire(apiKey)) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", "Rate limit exceeded");
        }
        return new AuthenticatedAccount(key.accountId(), apiKey);
    }

    private static boolean plausibleKey(String apiKey) {
        if (apiKey.length() != 44) {
            return false;
        }
        try {
            return java.util.Base64.getDecoder().decode(apiKey).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Optional<Key> lookup(String apiKey) {
        return keys.findById(apiKey)
                .filter(row -> row.revokedAt() == null)
                .flatMap(row -> Optional.ofNullable(Ed25519Verifier.of(row.publicKey()))
                        .map(verifier -> new Key(row.accountId(), verifier)));
    }

    /** Forgets cached lookups of {@code apiKey} on this replica, e.g. right after it was revoked here. */
    void evict(String apiKey) {
        keyCache.invalidate(apiKey);
    }

    private static long parse(String value, String header) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw unauthorized(header + " must be an integer number of milliseconds");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", message);
    }
}
