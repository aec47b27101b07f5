package exchange.common.engine;

/** Why an open order was cancelled. */
public enum CancelReason {
    /** Its owner asked (cancel or cancel-all). */
    REQUESTED,
    /** It was the resting side of a self-trade under RejectMaker or RejectBoth. */
    SELF_TRADE_PREVENTION
}
