package exchange.stream.subscription;

import java.util.HashSet;
import java.util.Set;

import exchange.stream.StreamProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The symbols of PostgreSQL's {@code market} table, reloaded when older than {@code marketRefresh}, and on a miss
 * at most once a second (so a new market is streamable at once, while made-up symbols cannot hammer the
 * database). If PostgreSQL is down the last list stays in use.
 */
@Component
class MarketDirectory {

    /** PostgreSQL could not be asked and no market list was ever loaded. */
    static final class UnavailableException extends RuntimeException {
        UnavailableException(Throwable cause) {
            super("Market list unavailable", cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(MarketDirectory.class);
    private static final long MISS_RELOAD_NANOS = 1_000_000_000L;

    private final JdbcClient jdbc;
    private final long refreshNanos;
    private volatile Set<String> symbols;
    private volatile long loadedAtNanos;

    MarketDirectory(JdbcClient jdbc, StreamProperties properties) {
        this.jdbc = jdbc;
        this.refreshNanos = properties.marketRefresh().toNanos();
    }

    boolean exists(String symbol) {
        long now = System.nanoTime();
        Set<String> known = symbols;
        if (known == null || now - loadedAtNanos > refreshNanos) {
            known = reload(now, known);
        }
        if (!known.contains(symbol) && now - loadedAtNanos > MISS_RELOAD_NANOS) {
            known = reload(now, known);
        }
        return known.contains(symbol);
    }

    private synchronized Set<String> reload(long now, Set<String> previous) {
        if (symbols != previous && symbols != null) {
            return symbols;
        }
        try {
            Set<String> loaded = new HashSet<>(jdbc.sql("SELECT symbol FROM market").query(String.class).list());
            symbols = Set.copyOf(loaded);
            loadedAtNanos = now;
            return symbols;
        } catch (DataAccessException e) {
            if (previous == null) {
                throw new UnavailableException(e);
            }
            log.warn("Market list reload failed, keeping {} known markets: {}", previous.size(), e.toString());
            loadedAtNanos = now;
            return previous;
        }
    }
}
