package exchange.router.engine;

import java.util.ArrayList;
import java.util.List;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderView;
import exchange.common.book.Side;
import exchange.common.engine.CancelReason;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.EngineListener;
import exchange.common.engine.EventRecorder;
import exchange.common.engine.ExpireReason;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.MarketStatus;
import exchange.common.engine.OrderSnapshot;
import exchange.common.engine.RejectReason;

/**
 * The engine listener of the leader: the engine's own {@link EventRecorder} plus, at the end of each command,
 * a snapshot of every order that traded but got no event of its own (a partly filled maker, a resting
 * taker), so the orders table always holds each order's exact remaining quantity and locked funds.
 * Engine thread only.
 */
final class TrackingListener implements EngineListener {

    private final EventRecorder recorder = new EventRecorder();
    private final List<OrderView> traded = new ArrayList<>();
    private final List<OrderSnapshot> touched = new ArrayList<>();

    /** The events of the last command, in order. */
    List<EngineEvent> drainEvents() {
        return recorder.drain();
    }

    /** Orders of the last command that traded and are still open, as of its end. */
    List<OrderSnapshot> drainTouched() {
        List<OrderSnapshot> result = List.copyOf(touched);
        touched.clear();
        return result;
    }

    @Override
    public void commandStarted(long commandId, long timestamp) {
        traded.clear();
        touched.clear();
        recorder.commandStarted(commandId, timestamp);
    }

    @Override
    public void commandFinished() {
        for (OrderView order : traded) {
            OrderSnapshot snapshot = OrderSnapshot.of(order);
            if (snapshot.status() == OrderStatus.New || snapshot.status() == OrderStatus.PartiallyFilled) {
                touched.add(snapshot);
            }
        }
        traded.clear();
        recorder.commandFinished();
    }

    @Override
    public void trade(long sequence, String symbol, long tradeId, long price, long quantity, long quoteQuantity,
            OrderView maker, OrderView taker, Side takerSide, long makerFee, String makerFeeAsset, long takerFee,
            String takerFeeAsset) {
        remember(maker);
        remember(taker);
        recorder.trade(sequence, symbol, tradeId, price, quantity, quoteQuantity, maker, taker, takerSide, makerFee,
                makerFeeAsset, takerFee, takerFeeAsset);
    }

    private void remember(OrderView order) {
        for (OrderView seen : traded) {
            if (seen == order) {
                return;
            }
        }
        traded.add(order);
    }

    @Override
    public void orderFilled(long sequence, OrderView order) {
        // A filled order is recycled by the engine: it must not be read at the end of the command.
        traded.remove(order);
        recorder.orderFilled(sequence, order);
    }

    @Override
    public void orderCancelled(long sequence, OrderView order, CancelReason reason) {
        traded.remove(order);
        recorder.orderCancelled(sequence, order, reason);
    }

    @Override
    public void orderExpired(long sequence, OrderView order, ExpireReason reason) {
        traded.remove(order);
        recorder.orderExpired(sequence, order, reason);
    }

    @Override
    public void assetCreated(long sequence, String asset, int decimals) {
        recorder.assetCreated(sequence, asset, decimals);
    }

    @Override
    public void marketCreated(long sequence, MarketSpec spec) {
        recorder.marketCreated(sequence, spec);
    }

    @Override
    public void marketStatusChanged(long sequence, String symbol, MarketStatus status) {
        recorder.marketStatusChanged(sequence, symbol, status);
    }

    @Override
    public void rejected(long sequence, long accountId, RejectReason reason) {
        recorder.rejected(sequence, accountId, reason);
    }

    @Override
    public void balanceChanged(long sequence, long accountId, String asset, long available, long locked) {
        recorder.balanceChanged(sequence, accountId, asset, available, locked);
    }

    @Override
    public void orderAccepted(long sequence, OrderView order) {
        recorder.orderAccepted(sequence, order);
    }

    @Override
    public void depthChanged(long sequence, String symbol, long updateId, long[] bidPrices, long[] bidQuantities,
            int bidCount, long[] askPrices, long[] askQuantities, int askCount) {
        recorder.depthChanged(sequence, symbol, updateId, bidPrices, bidQuantities, bidCount, askPrices,
                askQuantities, askCount);
    }
}
