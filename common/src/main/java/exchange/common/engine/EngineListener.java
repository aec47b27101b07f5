package exchange.common.engine;

import exchange.common.book.OrderView;
import exchange.common.book.Side;

/**
 * Receives the engine's output as primitive-typed callbacks, so that the engine core allocates nothing
 * per event. {@link EventRecorder} is the standard implementation that turns them into immutable
 * {@link EngineEvent} records; a host normally uses that. Callbacks for one command arrive between
 * {@link #commandStarted} and {@link #commandFinished}, in the same order as the recorded events.
 *
 * <p>Called on the engine thread. {@link OrderView}s and arrays are only valid during the call (the
 * engine reuses them). A listener must not call back into the engine.
 */
public interface EngineListener {

    /** A command begins; the following callbacks belong to it. */
    void commandStarted(long commandId, long timestamp);

    /** See {@link EngineEvent.AssetCreated}. */
    void assetCreated(long sequence, String asset, int decimals);

    /** See {@link EngineEvent.MarketCreated}. */
    void marketCreated(long sequence, MarketSpec spec);

    /** See {@link EngineEvent.MarketStatusChanged}. */
    void marketStatusChanged(long sequence, String symbol, MarketStatus status);

    /** See {@link EngineEvent.Rejected}. */
    void rejected(long sequence, long accountId, RejectReason reason);

    /** See {@link EngineEvent.BalanceChanged}. */
    void balanceChanged(long sequence, long accountId, String asset, long available, long locked);

    /** See {@link EngineEvent.OrderAccepted}. */
    void orderAccepted(long sequence, OrderView order);

    /** See {@link EngineEvent.OrderFilled}. */
    void orderFilled(long sequence, OrderView order);

    /** See {@link EngineEvent.OrderCancelled}. */
    void orderCancelled(long sequence, OrderView order, CancelReason reason);

    /** See {@link EngineEvent.OrderExpired}. */
    void orderExpired(long sequence, OrderView order, ExpireReason reason);

    /** See {@link EngineEvent.Trade}. */
    void trade(long sequence, String symbol, long tradeId, long price, long quantity, long quoteQuantity,
            OrderView maker, OrderView taker, Side takerSide, long makerFee, String makerFeeAsset, long takerFee,
            String takerFeeAsset);

    /**
     * See {@link EngineEvent.DepthChanged}; entries {@code [0, count)} of each array are valid.
     */
    void depthChanged(long sequence, String symbol, long updateId, long[] bidPrices, long[] bidQuantities,
            int bidCount, long[] askPrices, long[] askQuantities, int askCount);

    /** The current command is complete. */
    void commandFinished();
}
