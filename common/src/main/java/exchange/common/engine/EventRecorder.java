package exchange.common.engine;

import java.util.ArrayList;
import java.util.List;

import exchange.common.book.OrderView;
import exchange.common.book.Side;

/**
 * The standard {@link EngineListener}: materialises every callback as an immutable {@link EngineEvent}
 * and collects them until {@link #drain()}. Typical host use:
 *
 * <pre>{@code
 * EventRecorder events = new EventRecorder();
 * MatchingEngine engine = new MatchingEngine(events);
 * engine.apply(command);
 * List<EngineEvent> out = events.drain();
 * }</pre>
 *
 * Allocates the records (this is the cost the benchmark reports separately). Not thread-safe.
 */
public final class EventRecorder implements EngineListener {

    private List<EngineEvent> events = new ArrayList<>();
    private long commandId;
    private long timestamp;

    /** Creates an empty recorder. */
    public EventRecorder() {
    }

    /** @return the events recorded since the last drain, in order; the recorder starts a new list */
    public List<EngineEvent> drain() {
        List<EngineEvent> out = events;
        events = new ArrayList<>();
        return out;
    }

    @Override
    public void commandStarted(long commandId, long timestamp) {
        this.commandId = commandId;
        this.timestamp = timestamp;
    }

    @Override
    public void commandFinished() {
    }

    @Override
    public void assetCreated(long sequence, String asset, int decimals) {
        events.add(new EngineEvent.AssetCreated(sequence, commandId, timestamp, asset, decimals));
    }

    @Override
    public void marketCreated(long sequence, MarketSpec spec) {
        events.add(new EngineEvent.MarketCreated(sequence, commandId, timestamp, spec));
    }

    @Override
    public void marketStatusChanged(long sequence, String symbol, MarketStatus status) {
        events.add(new EngineEvent.MarketStatusChanged(sequence, commandId, timestamp, symbol, status));
    }

    @Override
    public void rejected(long sequence, long accountId, RejectReason reason) {
        events.add(new EngineEvent.Rejected(sequence, commandId, timestamp, accountId, reason));
    }

    @Override
    public void balanceChanged(long sequence, long accountId, String asset, long available, long locked) {
        events.add(new EngineEvent.BalanceChanged(sequence, commandId, timestamp, accountId, asset, available, locked));
    }

    @Override
    public void orderAccepted(long sequence, OrderView order) {
        events.add(new EngineEvent.OrderAccepted(sequence, commandId, timestamp, OrderSnapshot.of(order)));
    }

    @Override
    public void orderFilled(long sequence, OrderView order) {
        events.add(new EngineEvent.OrderFilled(sequence, commandId, timestamp, OrderSnapshot.of(order)));
    }

    @Override
    public void orderCancelled(long sequence, OrderView order, CancelReason reason) {
        events.add(new EngineEvent.OrderCancelled(sequence, commandId, timestamp, OrderSnapshot.of(order), reason));
    }

    @Override
    public void orderExpired(long sequence, OrderView order, ExpireReason reason) {
        events.add(new EngineEvent.OrderExpired(sequence, commandId, timestamp, OrderSnapshot.of(order), reason));
    }

    @Override
    public void trade(long sequence, String symbol, long tradeId, long price, long quantity, long quoteQuantity,
            OrderView maker, OrderView taker, Side takerSide, long makerFee, String makerFeeAsset, long takerFee,
            String takerFeeAsset) {
        events.add(new EngineEvent.Trade(sequence, commandId, timestamp, symbol, tradeId, price, quantity,
                quoteQuantity, maker.orderId(), maker.accountId(), taker.orderId(), taker.accountId(), takerSide,
                makerFee, makerFeeAsset, takerFee, takerFeeAsset));
    }

    @Override
    public void depthChanged(long sequence, String symbol, long updateId, long[] bidPrices, long[] bidQuantities,
            int bidCount, long[] askPrices, long[] askQuantities, int askCount) {
        List<EngineEvent.Level> bids = new ArrayList<>(bidCount);
        for (int i = 0; i < bidCount; i++) {
            bids.add(new EngineEvent.Level(bidPrices[i], bidQuantities[i]));
        }
        List<EngineEvent.Level> asks = new ArrayList<>(askCount);
        for (int i = 0; i < askCount; i++) {
            asks.add(new EngineEvent.Level(askPrices[i], askQuantities[i]));
        }
        events.add(new EngineEvent.DepthChanged(sequence, commandId, timestamp, symbol, updateId, List.copyOf(bids),
                List.copyOf(asks)));
    }
}
