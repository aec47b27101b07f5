package exchange.router.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.Side;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.OrderSnapshot;
import exchange.common.engine.RejectReason;
import exchange.router.order.OrderResponse;
import exchange.router.system.ApiError;

import tools.jackson.databind.ObjectMapper;

/**
 * Renders what the leader sends after a commit: the client's reply (Backpack's order object or error) and
 * the stream messages, already in Backpack's envelope, so ws-stream forwards bytes without re-encoding.
 * Channel names are the stream names; private order updates go to {@code <stream>#<accountId>}.
 * Holds no state of its own: the engine thread renders replies, candles, book tickers and a new term's snapshots
 * with it, the publisher thread the rest of the stream messages, depth snapshots and REST trades.
 */
final class EngineOutput {

    record StreamMessage(String channel, String payload) {
    }

    private final ObjectMapper json;

    EngineOutput(ObjectMapper json) {
        this.json = json;
    }

    static OrderResponse order(OrderSnapshot o, MarketUnits m) {
        boolean limit = o.type() == OrderType.Limit;
        return new OrderResponse(o.type().name(), Long.toString(o.orderId()),
                o.clientId() == StreamCommand.NO_CLIENT_ID ? null : o.clientId(), o.createdAt() / 1000,
                m.quantity(o.executedQuantity()), m.quote(o.executedQuoteQuantity()), limit ? o.postOnly() : null,
                limit ? m.price(o.price()) : null, o.quantity() > 0 ? m.quantity(o.quantity()) : null,
                o.quoteQuantity() > 0 ? m.quote(o.quoteQuantity()) : null, false, o.selfTradePrevention().name(),
                o.status().name(), o.side().name(), o.symbol(), o.timeInForce().name());
    }

    EngineReply error(String requestId, RejectReason reason) {
        int status = reason.apiCode().equals("RESOURCE_NOT_FOUND") ? 404 : 400;
        return new EngineReply(requestId, status, json.writeValueAsString(new ApiError(reason.apiCode(), message(reason))));
    }

    EngineReply notFound(String requestId, String message) {
        return new EngineReply(requestId, 404, json.writeValueAsString(new ApiError("RESOURCE_NOT_FOUND", message)));
    }

    EngineReply invalid(String requestId, String message) {
        return new EngineReply(requestId, 400, json.writeValueAsString(new ApiError("INVALID_CLIENT_REQUEST", message)));
    }

    EngineReply ok(String requestId, Object body) {
        return new EngineReply(requestId, 200, json.writeValueAsString(body));
    }

    private static String message(RejectReason reason) {
        return switch (reason) {
            case INSUFFICIENT_FUNDS -> "Insufficient funds";
            case MARKET_HALTED -> "Trading is paused on this market";
            case QUANTITY_BELOW_MINIMUM -> "Quantity is below the market minimum";
            case POST_ONLY_WOULD_TAKE -> "Post-only order would immediately match";
            case DUPLICATE_CLIENT_ID -> "An open order with this clientId already exists";
            case ORDER_NOT_FOUND -> "Order not found";
            default -> reason.name().charAt(0) + reason.name().substring(1).toLowerCase().replace('_', ' ');
        };
    }

    /**
     * Appends the stream messages for a batch's events, in event order within each stream. Each trade is followed
     * by the fill updates of both its orders, with their state right after that fill ({@code fills}, by trade id,
     * from {@link #statesAfterFills}), so a client sees an order's fills before its cancel or expiry, never after.
     * Depth comes last, one delta per market for the whole batch (see {@link DepthDelta}).
     */
    void streamMessages(List<EngineEvent> events, Map<String, MarketUnits> markets, Map<Long, OrderSnapshot[]> fills,
            List<StreamMessage> out) {
        Map<String, DepthDelta> depth = new LinkedHashMap<>();
        for (EngineEvent event : events) {
            switch (event) {
                case EngineEvent.DepthChanged d -> depth.computeIfAbsent(d.symbol(), symbol -> new DepthDelta(d))
                        .add(d);
                case EngineEvent.Trade t -> {
                    MarketUnits m = markets.get(t.symbol());
                    out.add(new StreamMessage("trade." + t.symbol(), envelope("trade." + t.symbol(), tradeEvent(t, m))));
                    OrderSnapshot[] after = fills.get(t.tradeId());
                    if (after != null) {
                        fillUpdates(t, after[0], after[1], markets, out);
                    }
                }
                case EngineEvent.OrderAccepted a -> orderUpdate("orderAccepted", a.order(), a.timestamp(), markets, null, out);
                case EngineEvent.OrderCancelled c -> orderUpdate("orderCancelled", c.order(), c.timestamp(), markets, null, out);
                case EngineEvent.OrderExpired x -> orderUpdate("orderExpired", x.order(), x.timestamp(), markets,
                        x.reason().name(), out);
                default -> {
                }
            }
        }
        for (DepthDelta delta : depth.values()) {
            out.add(depth(delta, markets.get(delta.symbol)));
        }
    }

    /**
     * The depth changes of one market over a batch as one Backpack delta: {@code U} the first update id,
     * {@code u} the last, each changed level with its final quantity. Applied to a book at {@code U - 1} it gives
     * the same book as the batch's events one by one, so the stream stays gap-free ({@code U} = previous
     * {@code u} + 1), while the leader publishes, and every ws-stream replica fans out, one depth message per
     * market and batch instead of one per command that changed the book (nearly every order entry command).
     */
    private static final class DepthDelta {

        final String symbol;
        final long firstUpdateId;
        long lastUpdateId;
        long timestamp;
        /** Price to quantity, best first, as the engine lists them. */
        final TreeMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
        final TreeMap<Long, Long> asks = new TreeMap<>();

        DepthDelta(EngineEvent.DepthChanged first) {
            this.symbol = first.symbol();
            this.firstUpdateId = first.firstUpdateId();
        }

        void add(EngineEvent.DepthChanged d) {
            lastUpdateId = d.lastUpdateId();
            timestamp = d.timestamp();
            for (EngineEvent.Level level : d.bids()) {
                bids.put(level.price(), level.quantity());
            }
            for (EngineEvent.Level level : d.asks()) {
                asks.put(level.price(), level.quantity());
            }
        }
    }

    /**
     * For each trade of a batch (by trade id), the maker's and the taker's state right after it: the batch keeps
     * only each order's state at its end, so what the order filled later in the batch is taken back off.
     *
     * @param trades     the batch's trades in execution order
     * @param endOfBatch each touched order's state at the end of the batch, by order id
     */
    static Map<Long, OrderSnapshot[]> statesAfterFills(List<EngineEvent.Trade> trades,
            Map<Long, OrderSnapshot> endOfBatch) {
        Map<Long, OrderSnapshot[]> states = new HashMap<>();
        Map<Long, long[]> filledLater = new HashMap<>();
        for (int i = trades.size() - 1; i >= 0; i--) {
            EngineEvent.Trade t = trades.get(i);
            states.put(t.tradeId(), new OrderSnapshot[] {
                afterFill(endOfBatch.get(t.makerOrderId()), filledLater.get(t.makerOrderId())),
                afterFill(endOfBatch.get(t.takerOrderId()), filledLater.get(t.takerOrderId()))});
            for (long orderId : new long[] {t.makerOrderId(), t.takerOrderId()}) {
                long[] sums = filledLater.computeIfAbsent(orderId, id -> new long[2]);
                sums[0] += t.quantity();
                sums[1] += t.quoteQuantity();
            }
        }
        return states;
    }

    private static OrderSnapshot afterFill(OrderSnapshot end, long[] filledLater) {
        if (end == null) {
            return null;
        }
        long executed = end.executedQuantity() - (filledLater == null ? 0 : filledLater[0]);
        long executedQuote = end.executedQuoteQuantity() - (filledLater == null ? 0 : filledLater[1]);
        // Complete when its quantity is reached, or, for a market order sized in quote, when its last fill
        // left it Filled.
        boolean complete = end.quantity() > 0 ? executed == end.quantity()
                : filledLater == null && end.status() == OrderStatus.Filled;
        return new OrderSnapshot(end.orderId(), end.accountId(), end.clientId(), end.symbol(), end.side(), end.type(),
                end.timeInForce(), end.postOnly(), end.selfTradePrevention(), end.price(), end.quantity(),
                end.quoteQuantity(), executed, executedQuote, end.locked(),
                complete ? OrderStatus.Filled : OrderStatus.PartiallyFilled, end.createdAt());
    }

    /** Fill updates for both sides of a trade, with each order's state right after this fill. */
    private void fillUpdates(EngineEvent.Trade t, OrderSnapshot maker, OrderSnapshot taker,
            Map<String, MarketUnits> markets, List<StreamMessage> out) {
        MarketUnits m = markets.get(t.symbol());
        for (boolean isMaker : new boolean[] {true, false}) {
            OrderSnapshot o = isMaker ? maker : taker;
            if (o == null) {
                continue;
            }
            Map<String, Object> data = orderFields("orderFill", o, t.timestamp(), m);
            data.put("t", t.tradeId());
            data.put("l", m.quantity(t.quantity()));
            data.put("L", m.price(t.price()));
            data.put("m", isMaker);
            data.put("n", MarketUnits.decimal(isMaker ? t.makerFee() : t.takerFee(),
                    decimalsOf(isMaker ? t.makerFeeAsset() : t.takerFeeAsset(), m)));
            data.put("N", isMaker ? t.makerFeeAsset() : t.takerFeeAsset());
            privateMessages(o, data, out);
        }
    }

    private void orderUpdate(String type, OrderSnapshot o, long timestamp, Map<String, MarketUnits> markets,
            String expiryReason, List<StreamMessage> out) {
        Map<String, Object> data = orderFields(type, o, timestamp, markets.get(o.symbol()));
        if (expiryReason != null) {
            data.put("R", expiryReason);
        }
        privateMessages(o, data, out);
    }

    private void privateMessages(OrderSnapshot o, Map<String, Object> data, List<StreamMessage> out) {
        String all = "account.orderUpdate";
        String perMarket = all + "." + o.symbol();
        String rendered = json.writeValueAsString(data);
        out.add(new StreamMessage(all + "#" + o.accountId(), envelope(all, rendered)));
        out.add(new StreamMessage(perMarket + "#" + o.accountId(), envelope(perMarket, rendered)));
    }

    private static Map<String, Object> orderFields(String type, OrderSnapshot o, long timestamp, MarketUnits m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("e", type);
        data.put("E", timestamp);
        data.put("s", o.symbol());
        if (o.clientId() != StreamCommand.NO_CLIENT_ID) {
            data.put("c", o.clientId());
        }
        data.put("S", o.side().name());
        data.put("o", o.type() == OrderType.Limit ? "LIMIT" : "MARKET");
        data.put("f", o.timeInForce().name());
        if (o.quantity() > 0) {
            data.put("q", m.quantity(o.quantity()));
        }
        if (o.quoteQuantity() > 0) {
            data.put("Q", m.quote(o.quoteQuantity()));
        }
        if (o.type() == OrderType.Limit) {
            data.put("p", m.price(o.price()));
        }
        data.put("X", o.status().name());
        data.put("i", Long.toString(o.orderId()));
        data.put("z", m.quantity(o.executedQuantity()));
        data.put("Z", m.quote(o.executedQuoteQuantity()));
        data.put("V", o.selfTradePrevention().name());
        data.put("y", o.postOnly());
        data.put("T", timestamp);
        data.put("O", "USER");
        return data;
    }

    private static int decimalsOf(String asset, MarketUnits m) {
        return asset.equals(m.spec().baseAsset()) ? m.baseDecimals() : m.quoteDecimals();
    }

    private StreamMessage depth(DepthDelta d, MarketUnits m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("e", "depth");
        data.put("E", d.timestamp);
        data.put("s", d.symbol);
        data.put("a", levels(d.asks, m));
        data.put("b", levels(d.bids, m));
        data.put("U", d.firstUpdateId);
        data.put("u", d.lastUpdateId);
        data.put("T", d.timestamp);
        return new StreamMessage("depth." + d.symbol, envelope("depth." + d.symbol, data));
    }

    private static List<List<String>> levels(Map<Long, Long> levels, MarketUnits m) {
        List<List<String>> out = new ArrayList<>(levels.size());
        for (Map.Entry<Long, Long> level : levels.entrySet()) {
            out.add(List.of(m.price(level.getKey()), m.quantity(level.getValue())));
        }
        return out;
    }

    static Map<String, Object> tradeEvent(EngineEvent.Trade t, MarketUnits m) {
        boolean buyerIsMaker = t.takerSide() == Side.Ask;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("e", "trade");
        data.put("E", t.timestamp());
        data.put("s", t.symbol());
        data.put("p", m.price(t.price()));
        data.put("q", m.quantity(t.quantity()));
        data.put("b", Long.toString(buyerIsMaker ? t.makerOrderId() : t.takerOrderId()));
        data.put("a", Long.toString(buyerIsMaker ? t.takerOrderId() : t.makerOrderId()));
        data.put("t", t.tradeId());
        data.put("T", t.timestamp());
        data.put("m", buyerIsMaker);
        return data;
    }

    /** Backpack's public REST trade object, kept newest first in Redis for {@code /api/v1/trades}. */
    String restTrade(EngineEvent.Trade t, MarketUnits m) {
        Map<String, Object> trade = new LinkedHashMap<>();
        trade.put("id", t.tradeId());
        trade.put("price", m.price(t.price()));
        trade.put("quantity", m.quantity(t.quantity()));
        trade.put("quoteQuantity", m.quote(t.quoteQuantity()));
        trade.put("timestamp", t.timestamp() / 1000);
        trade.put("isBuyerMaker", t.takerSide() == Side.Ask);
        return json.writeValueAsString(trade);
    }

    /** Levels per side kept in the snapshot: the largest {@code limit} of {@code /api/v1/depth}. */
    static final int SNAPSHOT_LEVELS = 1000;

    /**
     * The levels of a book that its snapshot shows, copied: the {@value #SNAPSHOT_LEVELS} nearest the touch on each
     * side, ascending by price on both (Backpack's order). The engine thread copies them after a commit, so the
     * publisher thread can render them while the engine changes the book again.
     */
    record DepthLevels(long[] bidPrices, long[] bidQuantities, long[] askPrices, long[] askQuantities) {

        static DepthLevels of(TreeMap<Long, Long> bids, TreeMap<Long, Long> asks) {
            int bidCount = Math.min(bids.size(), SNAPSHOT_LEVELS);
            long[] bidPrices = new long[bidCount];
            long[] bidQuantities = new long[bidCount];
            int i = bidCount;
            for (Map.Entry<Long, Long> level : bids.descendingMap().entrySet()) {
                if (i == 0) {
                    break;
                }
                i--;
                bidPrices[i] = level.getKey();
                bidQuantities[i] = level.getValue();
            }
            int askCount = Math.min(asks.size(), SNAPSHOT_LEVELS);
            long[] askPrices = new long[askCount];
            long[] askQuantities = new long[askCount];
            i = 0;
            for (Map.Entry<Long, Long> level : asks.entrySet()) {
                if (i == askCount) {
                    break;
                }
                askPrices[i] = level.getKey();
                askQuantities[i] = level.getValue();
                i++;
            }
            return new DepthLevels(bidPrices, bidQuantities, askPrices, askQuantities);
        }
    }

    /**
     * The book for {@code /api/v1/depth}, consistent with the delta stream at {@code updateId}: the
     * {@value #SNAPSHOT_LEVELS} levels nearest the touch on each side, ascending by price on both (Backpack's
     * order). It is rendered for every batch that changes the book, so the cap bounds its cost by what the API
     * can return, not by the book's depth; a StringBuilder instead of Jackson's lists and maps cuts the rest.
     */
    String depthSnapshot(TreeMap<Long, Long> bids, TreeMap<Long, Long> asks, long updateId, long timestamp,
            MarketUnits m) {
        return depthSnapshot(DepthLevels.of(bids, asks), updateId, timestamp, m);
    }

    String depthSnapshot(DepthLevels book, long updateId, long timestamp, MarketUnits m) {
        StringBuilder out = new StringBuilder(64 + 32 * (book.askPrices().length + book.bidPrices().length))
                .append("{\"asks\":[");
        for (int i = 0; i < book.askPrices().length; i++) {
            level(out, i > 0, m.price(book.askPrices()[i]), m.quantity(book.askQuantities()[i]));
        }
        out.append("],\"bids\":[");
        for (int i = 0; i < book.bidPrices().length; i++) {
            level(out, i > 0, m.price(book.bidPrices()[i]), m.quantity(book.bidQuantities()[i]));
        }
        return out.append("],\"lastUpdateId\":\"").append(updateId).append("\",\"timestamp\":").append(timestamp)
                .append('}').toString();
    }

    /** Decimal strings need no escaping: digits, a point and perhaps a minus sign. */
    private static void level(StringBuilder out, boolean comma, String price, String quantity) {
        if (comma) {
            out.append(',');
        }
        out.append("[\"").append(price).append("\",\"").append(quantity).append("\"]");
    }

    String envelope(String stream, Map<String, Object> data) {
        return envelope(stream, json.writeValueAsString(data));
    }

    /**
     * {@code {"stream":...,"data":...}} around data already rendered: one rendering serves several streams. A
     * stream name is fixed words, a kline interval and a symbol the engine accepted ({@code [A-Z0-9_]}), so it
     * needs no escaping and goes in as is (quoting it through Jackson cost a generator per message).
     */
    private static String envelope(String stream, String renderedData) {
        return "{\"stream\":\"" + stream + "\",\"data\":" + renderedData + "}";
    }
}
