package exchange.benchmarks.engine;

import exchange.common.book.OrderView;
import exchange.common.book.Side;
import exchange.common.engine.CancelReason;
import exchange.common.engine.EngineListener;
import exchange.common.engine.ExpireReason;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.MarketStatus;
import exchange.common.engine.RejectReason;

/**
 * A listener that only folds what it is told into a checksum, so the JIT cannot discard the engine's
 * output while nothing is allocated: the stand-in for a host that encodes events into a preallocated
 * buffer.
 */
class NoOpListener implements EngineListener {

    long checksum;

    @Override public void commandStarted(long commandId, long timestamp) { checksum += commandId; }
    @Override public void assetCreated(long sequence, String asset, int decimals) { checksum += sequence; }
    @Override public void marketCreated(long sequence, MarketSpec spec) { checksum += sequence; }
    @Override public void marketStatusChanged(long sequence, String symbol, MarketStatus status) { checksum += sequence; }
    @Override public void rejected(long sequence, long accountId, RejectReason reason) { checksum += sequence + reason.ordinal(); }
    @Override public void balanceChanged(long sequence, long accountId, String asset, long available, long locked) {
        checksum += available ^ locked;
    }
    @Override public void orderAccepted(long sequence, OrderView order) { checksum += order.orderId(); }
    @Override public void orderFilled(long sequence, OrderView order) { checksum += order.executedQuantity(); }
    @Override public void orderCancelled(long sequence, OrderView order, CancelReason reason) { checksum += order.orderId(); }
    @Override public void orderExpired(long sequence, OrderView order, ExpireReason reason) { checksum += order.executedQuantity(); }
    @Override public void trade(long sequence, String symbol, long tradeId, long price, long quantity, long quoteQuantity,
            OrderView maker, OrderView taker, Side takerSide, long makerFee, String makerFeeAsset, long takerFee,
            String takerFeeAsset) {
        checksum += tradeId * price + quantity + makerFee + takerFee;
    }
    @Override public void depthChanged(long sequence, String symbol, long updateId, long[] bidPrices,
            long[] bidQuantities, int bidCount, long[] askPrices, long[] askQuantities, int askCount) {
        checksum += updateId + bidCount + askCount;
    }
    @Override public void commandFinished() { }
}
