package exchange.stream.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import exchange.stream.StreamProperties;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * API key to account, from PostgreSQL's {@code api_key} table, cached for {@code apiKeyCacheTtl} (answers "unknown"
 * and "revoked" included, so a flood of made-up keys costs one query per key per TTL). The cache holds at most
 * {@code apiKeyCacheSize} entries: when full, expired entries are evicted, and if none are, the whole cache is
 * cleared (a rare, safe reset rather than an unbounded map). A revoked key stops working for new subscriptions
 * within one TTL; streams already subscribed continue until the client disconnects.
 */
@Component
class ApiKeyDirectory {

    /** An active key: its account and its decoded point, so verification skips the decompression. */
    record ActiveKey(long accountId, Ed25519.PublicPoint point) {
    }

    private record Entry(Optional<ActiveKey> key, long expiresAtNanos) {
    }

    private final JdbcClient jdbc;
    private final long ttlNanos;
    private final int maxEntries;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    ApiKeyDirectory(JdbcClient jdbc, StreamProperties properties) {
        this.jdbc = jdbc;
        this.ttlNanos = properties.apiKeyCacheTtl().toNanos();
        this.maxEntries = properties.apiKeyCacheSize();
    }

    /**
     * The active key for a base64 public key that decoded to {@code publicKey}, or empty if unknown, revoked or
     * not a valid curve point.
     *
     * @throws org.springframework.dao.DataAccessException when PostgreSQL cannot be asked
     */
    Optional<ActiveKey> find(String apiKey, byte[] publicKey) {
        long now = System.nanoTime();
        Entry cached = cache.get(apiKey);
        if (cached != null && now - cached.expiresAtNanos() < 0) {
            return cached.key();
        }
        List<Long> accounts = jdbc.sql("SELECT account_id FROM api_key WHERE public_key = ? AND revoked_at IS NULL")
                .param(apiKey)
                .query(Long.class)
                .list();
        Optional<ActiveKey> key = Optional.empty();
        if (!accounts.isEmpty()) {
            Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(publicKey, 0);
            if (point != null) {
                key = Optional.of(new ActiveKey(accounts.getFirst(), point));
            }
        }
        if (cache.size() >= maxEntries) {
            cache.values().removeIf(entry -> now - entry.expiresAtNanos() >= 0);
            if (cache.size() >= maxEntries) {
                cache.clear();
            }
        }
        cache.put(apiKey, new Entry(key, now + ttlNanos));
        return key;
    }
}
