package exchange.router.marketdata;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import exchange.router.engine.EngineLeadership;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

/**
 * On the engine leader, once a second: the 24 h ticker of every market, pushed on {@code ticker.<symbol>} and
 * cached for the REST API under {@code exchange:md:ticker:<symbol>} with a short TTL (a market that stops trading
 * must not keep serving a stale day). Computed from committed trades in PostgreSQL, off the engine thread. Every
 * second, changed or not, like other exchanges' ticker streams: pushed only on change, a client that subscribed
 * after the last change waited for the next trade to see any ticker at all (ccxt's watchTicker timed out).
 */
@Component
class TickerPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TickerPublisher.class);
    private static final Duration DAY = Duration.ofHours(24);
    private static final Duration CACHE_TTL = Duration.ofSeconds(5);

    private final MarketDataStore store;
    private final MarketRepository markets;
    private final EngineLeadership leadership;
    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private volatile boolean running;
    private volatile Thread thread;

    TickerPublisher(MarketDataStore store, MarketRepository markets, EngineLeadership leadership,
            StringRedisTemplate redis, ObjectMapper json) {
        this.store = store;
        this.markets = markets;
        this.leadership = leadership;
        this.redis = redis;
        this.json = json;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("ticker-publisher").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (!leadership.isLeading()) {
                continue;
            }
            try {
                publishAll();
            } catch (RuntimeException e) {
                log.warn("Ticker round skipped: {}", e.getMessage());
            }
        }
    }

    void publishAll() {
        for (MarketRow market : markets.findAllByOrderBySymbol()) {
            TickerResponse ticker = store.ticker(market.symbol(), DAY);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("e", "ticker");
            data.put("E", System.currentTimeMillis() * 1000);
            data.put("s", ticker.symbol());
            data.put("o", ticker.firstPrice());
            data.put("c", ticker.lastPrice());
            data.put("h", ticker.high());
            data.put("l", ticker.low());
            data.put("v", ticker.volume());
            data.put("V", ticker.quoteVolume());
            data.put("n", Long.parseLong(ticker.trades()));
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("stream", "ticker." + ticker.symbol());
            envelope.put("data", data);
            redis.convertAndSend("ticker." + ticker.symbol(), json.writeValueAsString(envelope));
            redis.opsForValue().set("exchange:md:ticker:" + ticker.symbol(), json.writeValueAsString(ticker), CACHE_TTL);
        }
    }
}
