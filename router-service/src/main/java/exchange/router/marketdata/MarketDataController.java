package exchange.router.marketdata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import exchange.router.system.ApiException;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Public market data: depth, tickers, recent and historical trades, K-lines. Any replica answers, without the
 * engine: depth, tickers and recent trades from the leader's Redis cache when it is there, otherwise (and for
 * history and K-lines always) from PostgreSQL. Both paths give the same answer for the same committed state.
 */
@RestController
class MarketDataController {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Set<String> DEPTH_LIMITS = Set.of("5", "10", "20", "50", "100", "500", "1000");
    private static final int MAX_TRADES = 1000;
    /** At most this many candles per request; a longer range is cut after the first 1000 from startTime. */
    private static final int MAX_KLINES = 1000;
    /** 9999-12-31T23:59:59Z: later times are not dates any client means. */
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;
    // Market data changes with every trade: clients and proxies must not reuse a stale copy.
    private static final CacheControl NO_CACHE = CacheControl.noCache();

    private final MarketDataCache cache;
    private final MarketDataStore store;
    private final MarketRepository markets;
    private final Clock clock;

    MarketDataController(MarketDataCache cache, MarketDataStore store, MarketRepository markets, Clock clock) {
        this.cache = cache;
        this.store = store;
        this.markets = markets;
        this.clock = clock;
    }

    @GetMapping("/api/v1/depth")
    ResponseEntity<DepthResponse> depth(@RequestParam String symbol,
            @RequestParam(defaultValue = "1000") String limit) {
        if (!DEPTH_LIMITS.contains(limit)) {
            throw invalid("limit must be one of 5, 10, 20, 50, 100, 500, 1000");
        }
        int levels = Integer.parseInt(limit);
        DepthResponse depth = cache.depth(symbol).map(book -> book.limited(levels))
                .or(() -> store.depth(symbol, levels))
                .orElseThrow(() -> unknownSymbol(symbol));
        return ResponseEntity.ok().cacheControl(NO_CACHE).body(depth);
    }

    @GetMapping("/api/v1/ticker")
    ResponseEntity<TickerResponse> ticker(@RequestParam String symbol,
            @RequestParam(defaultValue = "1d") String interval) {
        Duration window = tickerWindow(interval);
        // The leader caches the 24 h ticker only; a week is always computed.
        Optional<TickerResponse> cached = window.equals(DAY) ? cache.ticker(symbol) : Optional.empty();
        TickerResponse ticker = cached.orElseGet(() -> {
            requireMarket(symbol);
            return store.ticker(symbol, window);
        });
        return ResponseEntity.ok().cacheControl(NO_CACHE).body(ticker);
    }

    @GetMapping("/api/v1/tickers")
    ResponseEntity<List<TickerResponse>> tickers(@RequestParam(defaultValue = "1d") String interval) {
        Duration window = tickerWindow(interval);
        List<String> symbols = markets.findAllByOrderBySymbol().stream().map(MarketRow::symbol).toList();
        Map<String, TickerResponse> cached = window.equals(DAY) ? cache.tickers(symbols) : Map.of();
        List<TickerResponse> tickers = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            TickerResponse ticker = cached.get(symbol);
            tickers.add(ticker != null ? ticker : store.ticker(symbol, window));
        }
        return ResponseEntity.ok().cacheControl(NO_CACHE).body(tickers);
    }

    @GetMapping("/api/v1/trades")
    ResponseEntity<List<TradeResponse>> recentTrades(@RequestParam String symbol,
            @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        List<TradeResponse> trades = cache.recentTrades(symbol, limit).orElseGet(() -> {
            requireMarket(symbol);
            return store.trades(symbol, limit, 0);
        });
        return ResponseEntity.ok().cacheControl(NO_CACHE).body(trades);
    }

    @GetMapping("/api/v1/trades/history")
    ResponseEntity<List<TradeResponse>> tradeHistory(@RequestParam String symbol,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") long offset) {
        checkLimit(limit);
        if (offset < 0) {
            throw invalid("offset must not be negative");
        }
        requireMarket(symbol);
        return ResponseEntity.ok().cacheControl(NO_CACHE).body(store.trades(symbol, limit, offset));
    }

    /**
     * Candles overlapping {@code [startTime, endTime)} (seconds), each over its whole interval, oldest first;
     * intervals without trades are omitted.
     */
    @GetMapping("/api/v1/klines")
    ResponseEntity<List<KlineResponse>> klines(@RequestParam String symbol, @RequestParam String interval,
            @RequestParam long startTime, @RequestParam(required = false) Long endTime,
            @RequestParam(required = false) String priceType) {
        KlineInterval candle = KlineInterval.parse(interval)
                .orElseThrow(() -> invalid("interval must be one of 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, "
                        + "8h, 12h, 1d, 3d, 1w, 1month"));
        if (priceType != null && !priceType.equals("Last")) {
            throw invalid("priceType must be Last: spot markets have no index or mark price");
        }
        long end = endTime == null ? clock.instant().getEpochSecond() : endTime;
        if (startTime < 0 || startTime > MAX_EPOCH_SECOND || end < 0 || end > MAX_EPOCH_SECOND) {
            throw invalid("startTime and endTime must be UTC timestamps in seconds");
        }
        if (startTime > end) {
            throw invalid("startTime must not be after endTime");
        }
        requireMarket(symbol);
        Instant from = candle.bucketStart(Instant.ofEpochSecond(startTime));
        // Without endTime the current candle is included whole: "now" in whole seconds could otherwise fall on
        // the candle's start and cut off the trades of this very second.
        Instant to = endTime == null ? candle.plus(candle.bucketStart(clock.instant()), 1)
                : candle.ceil(Instant.ofEpochSecond(end));
        Instant cap = candle.plus(from, MAX_KLINES);
        return ResponseEntity.ok().cacheControl(NO_CACHE)
                .body(store.klines(symbol, candle, from, to.isAfter(cap) ? cap : to));
    }

    private static Duration tickerWindow(String interval) {
        return switch (interval) {
            case "1d" -> DAY;
            case "1w" -> Duration.ofDays(7);
            default -> throw invalid("interval must be 1d or 1w");
        };
    }

    private void requireMarket(String symbol) {
        if (!store.marketExists(symbol)) {
            throw unknownSymbol(symbol);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_TRADES) {
            throw invalid("limit must be between 1 and " + MAX_TRADES);
        }
    }

    private static ApiException unknownSymbol(String symbol) {
        return ApiException.badRequest("INVALID_SYMBOL", "Market not found: " + symbol);
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("INVALID_CLIENT_REQUEST", message);
    }
}
