package exchange.common.engine;

/**
 * Why the engine refused a command. Each reason maps to the closest Backpack {@code ApiErrorCode}
 * ({@link #apiCode()}) so the REST layer can render {@code {"code","message"}} in one place.
 */
public enum RejectReason {
    /** Not enough available balance to lock for the order, or to withdraw. */
    INSUFFICIENT_FUNDS("INSUFFICIENT_FUNDS"),
    /** Unknown market symbol. */
    INVALID_MARKET("INVALID_MARKET"),
    /** Unknown asset. */
    INVALID_ASSET("INVALID_ASSET"),
    /** The market is halted: no new orders (cancels still work). */
    MARKET_HALTED("TRADING_PAUSED"),
    /** Price missing, not positive, or present where not allowed. */
    INVALID_PRICE("INVALID_PRICE"),
    /** Quantity missing, not positive, or the order's value does not fit in 64 bits. */
    INVALID_QUANTITY("INVALID_QUANTITY"),
    /** Quantity below the market's minimum quantity. */
    QUANTITY_BELOW_MINIMUM("INVALID_QUANTITY"),
    /** A post-only order would have taken liquidity. */
    POST_ONLY_WOULD_TAKE("INVALID_ORDER"),
    /** Inconsistent order fields (e.g. market order with postOnly, FOK by quote quantity). */
    INVALID_ORDER("INVALID_ORDER"),
    /** Client id outside 0..4294967295. */
    INVALID_CLIENT_ID("INVALID_CLIENT_REQUEST"),
    /** The account already has an open order with this client id. */
    DUPLICATE_CLIENT_ID("INVALID_CLIENT_REQUEST"),
    /** No open order with that id / client id for this account and market. */
    ORDER_NOT_FOUND("RESOURCE_NOT_FOUND"),
    /** Account id negative, or the fee account trying to trade. */
    INVALID_ACCOUNT("FORBIDDEN"),
    /** Deposit or withdrawal amount not positive, or a balance would overflow. */
    INVALID_AMOUNT("INVALID_CLIENT_REQUEST"),
    /** Asset already exists or has an invalid name or decimals. */
    INVALID_ASSET_SPEC("INVALID_ASSET"),
    /** Market already exists, or its assets, tick, step, minimum or fees are invalid. */
    INVALID_MARKET_SPEC("INVALID_MARKET");

    private final String apiCode;

    RejectReason(String apiCode) {
        this.apiCode = apiCode;
    }

    /** @return the Backpack {@code ApiErrorCode} this reason is reported as */
    public String apiCode() {
        return apiCode;
    }
}
