package exchange.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

/**
 * One WebSocket client of ws-stream, as a trading UI would be: subscribed to {@code depth.<symbol>} and
 * {@code trade.<symbol>}, keeping a {@link LocalBook} from a REST snapshot plus the deltas (re-syncing after a
 * gap, as a real client must), and optionally watching one account's private {@code account.orderUpdate}
 * stream (signed subscribe). Measures the delivery latency of every message inside the measured window:
 * receipt time minus the event's {@code E} (microseconds, the engine's clock on the same machine).
 */
final class StreamClient implements WebSocket.Listener {

    /** One side of a trade as the account saw it. */
    record Fill(long tradeId, long orderId) {
    }

    private final int index;
    private final URI uri;
    private final Market market;
    private final TraderAccount watched;
    private final Stats stats;
    private final Trading.Window window;
    private final OrderTracker tracker;
    private final Supplier<ExchangeClient.Response> depthSnapshot;

    private final LocalBook book = new LocalBook();
    private final StringBuilder partial = new StringBuilder();
    private final Map<Fill, AtomicInteger> fills = new ConcurrentHashMap<>();
    private final Map<Long, String> finalSeen = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicLong depthMessages = new AtomicLong();
    private final AtomicLong tradeMessages = new AtomicLong();
    private final AtomicLong orderMessages = new AtomicLong();
    private final AtomicLong fillAfterFinal = new AtomicLong();
    private final AtomicBoolean resyncing = new AtomicBoolean();
    private volatile WebSocket socket;
    private volatile String closed;

    StreamClient(int index, String wsUrl, Market market, TraderAccount watched, Stats stats, Trading.Window window,
            OrderTracker tracker, Supplier<ExchangeClient.Response> depthSnapshot) {
        this.index = index;
        this.uri = URI.create(wsUrl + "/");
        this.market = market;
        this.watched = watched;
        this.stats = stats;
        this.window = window;
        this.tracker = tracker;
        this.depthSnapshot = depthSnapshot;
    }

    /** Connects and subscribes; returns once the frame is sent (ws-stream does not answer a good SUBSCRIBE). */
    void connect(HttpClient http) throws Exception {
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this)
                .get(15, TimeUnit.SECONDS);
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("method", "SUBSCRIBE");
        List<String> params = new ArrayList<>(List.of("depth." + market.symbol(), "trade." + market.symbol()));
        if (watched != null) {
            params.add("account.orderUpdate");
            long timestamp = System.currentTimeMillis();
            long window = ExchangeClient.WINDOW;
            frame.put("signature", List.of(watched.key.apiKey(),
                    watched.key.sign(SigningString.subscribe(timestamp, window)), Long.toString(timestamp),
                    Long.toString(window)));
        }
        frame.put("params", params);
        frame.put("id", index);
        socket.sendText(Json.write(frame), true).get(10, TimeUnit.SECONDS);
    }

    /** Loads the REST snapshot (and again after every gap) on a virtual thread. */
    void requestSnapshot() {
        if (!resyncing.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("snapshot-" + index).start(() -> {
            try {
                for (int attempt = 0; attempt < 50 && !book.synced() && closed == null; attempt++) {
                    ExchangeClient.Response response = depthSnapshot.get();
                    if (response.ok()) {
                        Snapshot s = Snapshot.parse(response.json());
                        book.onSnapshot(s.lastUpdateId(), s.asks(), s.bids());
                    }
                    if (!book.synced()) {
                        Thread.sleep(100);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                errors.add("snapshot: " + e);
            } finally {
                resyncing.set(false);
            }
        });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            try {
                handle(message, nowMicros());
            } catch (RuntimeException e) {
                if (errors.size() < 20) {
                    errors.add("unreadable message: " + e + ": " + abbreviate(message));
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = statusCode + " " + reason;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed = "error " + error;
    }

    void handle(String message, long receivedMicros) {
        JsonNode root = Json.parse(message);
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            errors.add("error frame: " + abbreviate(message));
            return;
        }
        String stream = Json.textOf(root.get("stream"));
        JsonNode data = root.get("data");
        if (stream == null || data == null) {
            return;
        }
        long eventMicros = Json.longOf(data.get("E"), receivedMicros);
        boolean measured = window.contains(System.nanoTime());
        if (stream.startsWith("depth.")) {
            depthMessages.incrementAndGet();
            if (measured) {
                stats.delivered(Stats.Stream.DEPTH, receivedMicros - eventMicros);
            }
            LocalBook.Outcome outcome = book.onDelta(new LocalBook.Delta(Json.longOf(data.get("U"), 0),
                    Json.longOf(data.get("u"), 0), levels(data.get("a")), levels(data.get("b"))));
            if (outcome == LocalBook.Outcome.GAP) {
                requestSnapshot();
            }
        } else if (stream.startsWith("trade.")) {
            tradeMessages.incrementAndGet();
            if (measured) {
                stats.delivered(Stats.Stream.TRADE, receivedMicros - eventMicros);
            }
        } else if (stream.startsWith("account.orderUpdate")) {
            orderMessages.incrementAndGet();
            if (measured) {
                stats.delivered(Stats.Stream.ORDER_UPDATE, receivedMicros - eventMicros);
            }
            orderUpdate(data);
        }
    }

    private void orderUpdate(JsonNode data) {
        String type = Json.textOf(data.get("e"));
        long orderId = Json.longOf(data.get("i"), -1);
        String status = Json.textOf(data.get("X"));
        if (orderId < 0 || status == null) {
            return;
        }
        tracker.observe(orderId, watched.accountId, status, Json.decimalOf(data.get("z")));
        if ("orderFill".equals(type)) {
            fills.computeIfAbsent(new Fill(Json.longOf(data.get("t"), -1), orderId), f -> new AtomicInteger())
                    .incrementAndGet();
            if (finalSeen.containsKey(orderId)) {
                fillAfterFinal.incrementAndGet();
            }
        } else if ("orderCancelled".equals(type) || "orderExpired".equals(type)) {
            finalSeen.put(orderId, type);
        }
    }

    private static List<LocalBook.Level> levels(JsonNode array) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<LocalBook.Level> levels = new ArrayList<>(array.size());
        for (JsonNode level : array) {
            levels.add(LocalBook.Level.of(level.get(0).asString(), level.get(1).asString()));
        }
        return levels;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    void close() {
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }

    int index() {
        return index;
    }

    TraderAccount watched() {
        return watched;
    }

    LocalBook book() {
        return book;
    }

    Map<Fill, Integer> fills() {
        Map<Fill, Integer> copy = new LinkedHashMap<>();
        fills.forEach((fill, count) -> copy.put(fill, count.get()));
        return copy;
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    String closed() {
        return closed;
    }

    long depthMessages() {
        return depthMessages.get();
    }

    long tradeMessages() {
        return tradeMessages.get();
    }

    long orderMessages() {
        return orderMessages.get();
    }

    /** orderFill messages that arrived after the same order's orderCancelled/orderExpired. */
    long fillAfterFinal() {
        return fillAfterFinal.get();
    }

    /** A REST depth snapshot ({@code GET /api/v1/depth}). */
    record Snapshot(long lastUpdateId, List<LocalBook.Level> asks, List<LocalBook.Level> bids) {

        static Snapshot parse(JsonNode json) {
            return new Snapshot(Json.longOf(json.get("lastUpdateId"), -1), levels(json.get("asks")),
                    levels(json.get("bids")));
        }
    }
}
