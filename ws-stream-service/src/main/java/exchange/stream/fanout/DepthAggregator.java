package exchange.stream.fanout;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Derives {@code depth.<window>.<symbol>} from {@code depth.<symbol>}: the levels of all deltas in a window are
 * merged (last write per price wins; prices compared numerically, the last string kept), and at the end of the
 * window one envelope is emitted if anything changed, with {@code U} of the first and {@code u} of the last delta,
 * and {@code E}/{@code T} of the last delta.
 *
 * <p>A delta whose {@code U} is not the previous {@code u + 1} (messages lost while Redis was away) first flushes
 * what was merged so far, so clients see the same gap as on the raw stream instead of a merge that hides it.
 * Bound: a window holds at most {@value #MAX_LEVELS_PER_SIDE} levels per side; reaching it flushes early (one
 * window then emits more than one envelope, which stays correct).
 */
@Component
class DepthAggregator implements DisposableBean {

    static final int MAX_LEVELS_PER_SIDE = 10_000;

    private static final Logger log = LoggerFactory.getLogger(DepthAggregator.class);

    private final ObjectMapper json;
    private final Map<String, List<Window>> byChannel = new ConcurrentHashMap<>();
    private final Map<String, Window> byKey = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("depth-aggregator").daemon().factory());
    private volatile BiConsumer<String, TextMessage> sink = (key, message) -> { };

    DepthAggregator(ObjectMapper json) {
        this.json = json;
    }

    void sink(BiConsumer<String, TextMessage> sink) {
        this.sink = sink;
    }

    void start(Route route) {
        Window window = new Window(route);
        byKey.put(route.key(), window);
        byChannel.computeIfAbsent(route.channel(), c -> new CopyOnWriteArrayList<>()).add(window);
        long period = route.window().toMillis();
        window.schedule = timer.scheduleAtFixedRate(() -> flush(window), period, period, TimeUnit.MILLISECONDS);
    }

    void stop(Route route) {
        Window window = byKey.remove(route.key());
        if (window == null) {
            return;
        }
        window.schedule.cancel(false);
        byChannel.computeIfPresent(route.channel(), (c, windows) -> {
            windows.remove(window);
            return windows.isEmpty() ? null : windows;
        });
    }

    /** Merges a raw depth delta into the windows that aggregate its channel; a no-op for other channels. */
    void onDelta(String channel, byte[] message) {
        List<Window> windows = byChannel.get(channel);
        if (windows == null || windows.isEmpty()) {
            return;
        }
        JsonNode data;
        try {
            data = json.readTree(message).get("data");
        } catch (RuntimeException e) {
            log.warn("Unreadable depth message on {}: {}", channel, e.toString());
            return;
        }
        if (data == null || !data.isObject()) {
            return;
        }
        for (Window window : windows) {
            TextMessage early = null;
            TextMessage flushed;
            synchronized (window) {
                long first = data.path("U").asLong(-1);
                flushed = window.lastU >= 0 && first != window.lastU + 1 ? window.drain(json) : null;
                window.merge(data);
                if (window.asks.size() >= MAX_LEVELS_PER_SIDE || window.bids.size() >= MAX_LEVELS_PER_SIDE) {
                    early = window.drain(json);
                }
            }
            emit(window, flushed);
            emit(window, early);
        }
    }

    private void flush(Window window) {
        TextMessage message;
        synchronized (window) {
            message = window.drain(json);
        }
        emit(window, message);
    }

    private void emit(Window window, TextMessage message) {
        if (message != null) {
            try {
                sink.accept(window.route.key(), message);
            } catch (RuntimeException e) {
                log.error("Aggregated depth fan-out failed for {}", window.route.key(), e);
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /** One aggregated stream's pending merge; guarded by its own monitor. */
    private static final class Window {

        final Route route;
        final TreeMap<BigDecimal, String[]> asks = new TreeMap<>();
        final TreeMap<BigDecimal, String[]> bids = new TreeMap<>(Comparator.reverseOrder());
        ScheduledFuture<?> schedule;
        String symbol;
        long firstU = -1;
        long lastU = -1;
        long eventTime;
        long engineTime;
        boolean dirty;

        Window(Route route) {
            this.route = route;
        }

        void merge(JsonNode data) {
            long first = data.path("U").asLong(-1);
            long last = data.path("u").asLong(-1);
            if (!dirty) {
                firstU = first;
            }
            lastU = last;
            symbol = data.path("s").asString(symbol);
            eventTime = data.path("E").asLong(eventTime);
            engineTime = data.path("T").asLong(engineTime);
            put(asks, data.get("a"));
            put(bids, data.get("b"));
            dirty = true;
        }

        private static void put(TreeMap<BigDecimal, String[]> side, JsonNode levels) {
            if (levels == null || !levels.isArray()) {
                return;
            }
            for (JsonNode level : levels) {
                String price = level.path(0).asString(null);
                String quantity = level.path(1).asString(null);
                if (price == null || quantity == null) {
                    continue;
                }
                try {
                    side.put(new BigDecimal(price), new String[] {price, quantity});
                } catch (NumberFormatException ignored) {
                    // a level we cannot order is left out of the merge rather than corrupting it
                }
            }
        }

        /** The merged envelope, or null if nothing changed; resets the window (keeps lastU for gap detection). */
        TextMessage drain(ObjectMapper json) {
            if (!dirty) {
                return null;
            }
            ObjectNode envelope = json.createObjectNode();
            envelope.put("stream", route.key());
            ObjectNode data = envelope.putObject("data");
            data.put("e", "depth");
            data.put("E", eventTime);
            data.put("s", symbol);
            levels(data.putArray("a"), asks);
            levels(data.putArray("b"), bids);
            data.put("U", firstU);
            data.put("u", lastU);
            data.put("T", engineTime);
            asks.clear();
            bids.clear();
            dirty = false;
            return new TextMessage(json.writeValueAsBytes(envelope));
        }

        private static void levels(ArrayNode target, TreeMap<BigDecimal, String[]> side) {
            for (String[] level : side.values()) {
                target.addArray().add(level[0]).add(level[1]);
            }
        }
    }
}
