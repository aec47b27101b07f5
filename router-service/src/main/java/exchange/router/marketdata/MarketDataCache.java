package exchange.router.marketdata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

/**
 * Reads the market data the engine leader keeps in Redis after each commit (see docs/REST-READS.md for the
 * keys). Redis is a cache here: a missing key, a Redis error or a value that does not parse all come back as
 * "not cached", and the caller answers from PostgreSQL instead. Thread-safe.
 */
@Component
class MarketDataCache {

    static final String DEPTH_KEY = "exchange:md:depth:";
    static final String TICKER_KEY = "exchange:md:ticker:";
    static final String TRADES_KEY = "exchange:md:trades:";

    private static final Logger log = LoggerFactory.getLogger(MarketDataCache.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    // While Redis is down every request fails over; one warning per interval is enough to see it.
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    MarketDataCache(StringRedisTemplate redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    /** The book of {@code symbol} (up to 1,000 levels a side, the most a request can ask for), if cached. */
    Optional<DepthResponse> depth(String symbol) {
        try {
            String value = redis.opsForValue().get(DEPTH_KEY + symbol);
            return value == null ? Optional.empty() : Optional.of(json.readValue(value, DepthResponse.class));
        } catch (RuntimeException e) {
            warn("depth", symbol, e);
            return Optional.empty();
        }
    }

    /** The 24 h ticker of {@code symbol}, if cached. */
    Optional<TickerResponse> ticker(String symbol) {
        return Optional.ofNullable(tickers(List.of(symbol)).get(symbol));
    }

    /** The cached 24 h tickers among {@code symbols}, by symbol; absent ones are missing from the map. */
    Map<String, TickerResponse> tickers(List<String> symbols) {
        Map<String, TickerResponse> tickers = new HashMap<>();
        if (symbols.isEmpty()) {
            return tickers;
        }
        try {
            List<String> values = redis.opsForValue().multiGet(symbols.stream().map(s -> TICKER_KEY + s).toList());
            for (int i = 0; values != null && i < symbols.size(); i++) {
                if (values.get(i) != null) {
                    tickers.put(symbols.get(i), json.readValue(values.get(i), TickerResponse.class));
                }
            }
            return tickers;
        } catch (RuntimeException e) {
            warn("ticker", String.join(",", symbols), e);
            return Map.of();
        }
    }

    /**
     * The newest {@code limit} trades of {@code symbol}, newest first, if the cached list holds at least that
     * many. A shorter list may just have been restarted (the leader only appends new trades), so then
     * PostgreSQL answers.
     */
    Optional<List<TradeResponse>> recentTrades(String symbol, int limit) {
        try {
            List<String> values = redis.opsForList().range(TRADES_KEY + symbol, 0, limit - 1);
            if (values == null || values.size() < limit) {
                return Optional.empty();
            }
            List<TradeResponse> trades = new ArrayList<>(values.size());
            for (String value : values) {
                trades.add(json.readValue(value, TradeResponse.class));
            }
            return Optional.of(trades);
        } catch (RuntimeException e) {
            warn("trades", symbol, e);
            return Optional.empty();
        }
    }

    private void warn(String what, String symbol, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= LOG_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("Cached {} of {} unavailable, answering from PostgreSQL: {}", what, symbol, e.toString());
        }
    }
}
