package exchange.router.engine;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import exchange.router.marketdata.KlineInterval;

/**
 * The current candle of every market and interval, updated from the engine's trades so the leader can push
 * {@code kline.<interval>.<symbol>} without querying. A candle is loaded from PostgreSQL the first time a
 * market trades in a leadership term (it may have started under an earlier leader), then kept in memory.
 * Engine thread only.
 */
final class CandleTracker {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** Price in ticks, volume in steps. */
    static final class Candle {
        final Instant start;
        long open;
        long high;
        long low;
        long close;
        long volume;
        long trades;

        Candle(Instant start) {
            this.start = start;
        }

        void add(long price, long quantity) {
            if (trades == 0) {
                open = price;
                high = price;
                low = price;
            }
            high = Math.max(high, price);
            low = Math.min(low, price);
            close = price;
            volume += quantity;
            trades++;
        }
    }

    /** Loads the committed part of a candle: trades of {@code symbol} at or after {@code start}. */
    interface Loader {
        Candle load(String symbol, Instant start, Instant end, MarketUnits market);
    }

    private record Key(String symbol, KlineInterval interval) {
    }

    private final Loader loader;
    private final Map<Key, Candle> current = new HashMap<>();
    private final Map<Key, Candle> updated = new LinkedHashMap<>();
    private final List<Map.Entry<Key, Candle>> closed = new ArrayList<>();

    CandleTracker(Loader loader) {
        this.loader = loader;
    }

    void onTrade(String symbol, long price, long quantity, long timestampMicros, MarketUnits market) {
        Instant time = Instant.ofEpochSecond(Math.floorDiv(timestampMicros, 1_000_000L),
                Math.floorMod(timestampMicros, 1_000_000L) * 1000);
        for (KlineInterval interval : KlineInterval.values()) {
            Key key = new Key(symbol, interval);
            Instant start = interval.bucketStart(time);
            Candle candle = current.get(key);
            if (candle == null || !candle.start.equals(start)) {
                if (candle != null && candle.start.isBefore(start)) {
                    closed.add(Map.entry(key, candle));
                }
                candle = candle == null ? loader.load(symbol, start, interval.plus(start, 1), market) : new Candle(start);
                current.put(key, candle);
            }
            candle.add(price, quantity);
            updated.put(key, candle);
        }
    }

    /** The kline stream messages of everything that changed since the last call. */
    List<EngineOutput.StreamMessage> drain(Map<String, MarketUnits> markets, long eventTime, EngineOutput output) {
        List<EngineOutput.StreamMessage> messages = new ArrayList<>();
        for (Map.Entry<Key, Candle> entry : closed) {
            messages.add(message(entry.getKey(), entry.getValue(), true, markets, eventTime, output));
        }
        for (Map.Entry<Key, Candle> entry : updated.entrySet()) {
            messages.add(message(entry.getKey(), entry.getValue(), false, markets, eventTime, output));
        }
        closed.clear();
        updated.clear();
        return messages;
    }

    private static EngineOutput.StreamMessage message(Key key, Candle candle, boolean isClosed,
            Map<String, MarketUnits> markets, long eventTime, EngineOutput output) {
        MarketUnits m = markets.get(key.symbol());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("e", "kline");
        data.put("E", eventTime);
        data.put("s", key.symbol());
        data.put("t", iso(candle.start));
        data.put("T", iso(key.interval().plus(candle.start, 1)));
        data.put("o", m.price(candle.open));
        data.put("c", m.price(candle.close));
        data.put("h", m.price(candle.high));
        data.put("l", m.price(candle.low));
        data.put("v", m.quantity(candle.volume));
        data.put("n", candle.trades);
        data.put("X", isClosed);
        String stream = "kline." + key.interval().wire() + "." + key.symbol();
        return new EngineOutput.StreamMessage(stream, output.envelope(stream, data));
    }

    private static String iso(Instant instant) {
        return ISO.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
