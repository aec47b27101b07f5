package exchange.common.engine;

import java.util.List;

import exchange.common.book.Side;

/**
 * Immutable record of one thing the engine did, as produced by {@link EventRecorder}. Every event
 * carries the engine-wide {@code sequence} (starts at 1, +1 per event, never reused), the
 * {@code commandId} and {@code timestamp} of the command that caused it.
 */
public sealed interface EngineEvent {

    /** @return engine-wide event sequence number */
    long sequence();

    /** @return id of the causing command */
    long commandId();

    /** @return timestamp of the causing command, epoch microseconds */
    long timestamp();

    /** An asset was registered. */
    record AssetCreated(long sequence, long commandId, long timestamp, String asset, int decimals)
            implements EngineEvent {
    }

    /** A market was created (status Open, depth update id 0). */
    record MarketCreated(long sequence, long commandId, long timestamp, MarketSpec spec) implements EngineEvent {
    }

    /** A market was halted or resumed. */
    record MarketStatusChanged(long sequence, long commandId, long timestamp, String symbol, MarketStatus status)
            implements EngineEvent {
    }

    /**
     * The command was refused; nothing else changed.
     *
     * @param accountId the command's account, or -1 for asset and market administration
     */
    record Rejected(long sequence, long commandId, long timestamp, long accountId, RejectReason reason)
            implements EngineEvent {
    }

    /** New absolute balances of one account in one asset. */
    record BalanceChanged(long sequence, long commandId, long timestamp, long accountId, String asset,
            long available, long locked) implements EngineEvent {
    }

    /** An order passed validation and locked its funds; status New. */
    record OrderAccepted(long sequence, long commandId, long timestamp, OrderSnapshot order) implements EngineEvent {
    }

    /** An order executed completely (final). */
    record OrderFilled(long sequence, long commandId, long timestamp, OrderSnapshot order) implements EngineEvent {
    }

    /** An open order was cancelled (final). */
    record OrderCancelled(long sequence, long commandId, long timestamp, OrderSnapshot order, CancelReason reason)
            implements EngineEvent {
    }

    /** An order's remainder expired (final). */
    record OrderExpired(long sequence, long commandId, long timestamp, OrderSnapshot order, ExpireReason reason)
            implements EngineEvent {
    }

    /**
     * A fill between a resting maker and an incoming taker, at the maker's price. Fees are charged in the
     * asset each side receives: the buyer pays in base, the seller in quote.
     *
     * @param quoteQuantity price * quantity in quote units
     */
    record Trade(long sequence, long commandId, long timestamp, String symbol, long tradeId, long price,
            long quantity, long quoteQuantity, long makerOrderId, long makerAccountId, long takerOrderId,
            long takerAccountId, Side takerSide, long makerFee, String makerFeeAsset, long takerFee,
            String takerFeeAsset) implements EngineEvent {
    }

    /**
     * The price levels of one market whose total quantity changed during one command (bids best first,
     * asks best first; quantity 0 = level removed). {@code updateId} increases by exactly one per event
     * and market, so a consumer detects gaps ({@code firstUpdateId = lastUpdateId = updateId}).
     */
    record DepthChanged(long sequence, long commandId, long timestamp, String symbol, long updateId,
            List<Level> bids, List<Level> asks) implements EngineEvent {

        /** @return Backpack's {@code U}: equal to {@link #updateId()}, one event per update id */
        public long firstUpdateId() {
            return updateId;
        }

        /** @return Backpack's {@code u}: equal to {@link #updateId()} */
        public long lastUpdateId() {
            return updateId;
        }
    }

    /**
     * A price level's new total.
     *
     * @param price ticks
     * @param quantity steps, 0 when the level disappeared
     */
    record Level(long price, long quantity) {
    }
}
