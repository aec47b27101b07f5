package exchange.router.engine;

import exchange.common.engine.MarketSpec;

/**
 * A command as it travels through the Redis command stream, already validated and in engine units by the
 * router that appended it. The leader assigns the engine command id and timestamp when it applies it, so
 * replay after a failover is exact.
 *
 * @param type      one of the constants below
 * @param requestId unique per submitting replica, to match the reply
 * @param replyTo   the Redis channel the submitting replica listens on
 */
public record StreamCommand(
        String type,
        String requestId,
        String replyTo,
        long accountId,
        String symbol,
        String side,
        String orderType,
        long price,
        long quantity,
        long quoteQuantity,
        String timeInForce,
        boolean postOnly,
        String selfTradePrevention,
        long clientId,
        long orderId,
        String asset,
        long amount,
        String externalId,
        MarketSpec market,
        int decimals,
        String status) {

    public static final String PLACE = "place";
    public static final String CANCEL = "cancel";
    public static final String CANCEL_ALL = "cancelAll";
    public static final String DEPOSIT = "deposit";
    public static final String WITHDRAW = "withdraw";
    public static final String CREATE_ASSET = "createAsset";
    public static final String CREATE_MARKET = "createMarket";
    public static final String SET_MARKET_STATUS = "setMarketStatus";

    /** The stream entry field holding one command as a JSON object. */
    public static final String ONE_FIELD = "c";
    /** The stream entry field holding several commands, in order, as a JSON array. */
    public static final String MANY_FIELD = "b";

    /** No clientId: the engine's sentinel. */
    public static final long NO_CLIENT_ID = -1;

    public static StreamCommand place(long accountId, String symbol, String side, String orderType, long price,
            long quantity, long quoteQuantity, String timeInForce, boolean postOnly, String selfTradePrevention,
            long clientId) {
        return new StreamCommand(PLACE, null, null, accountId, symbol, side, orderType, price, quantity,
                quoteQuantity, timeInForce, postOnly, selfTradePrevention, clientId, 0, null, 0, null, null, 0, null);
    }

    public static StreamCommand cancel(long accountId, String symbol, long orderId, long clientId) {
        return new StreamCommand(CANCEL, null, null, accountId, symbol, null, null, 0, 0, 0, null, false, null,
                clientId, orderId, null, 0, null, null, 0, null);
    }

    public static StreamCommand cancelAll(long accountId, String symbol) {
        return new StreamCommand(CANCEL_ALL, null, null, accountId, symbol, null, null, 0, 0, 0, null, false, null,
                NO_CLIENT_ID, 0, null, 0, null, null, 0, null);
    }

    public static StreamCommand transfer(String type, long accountId, String asset, long amount, String externalId) {
        return new StreamCommand(type, null, null, accountId, null, null, null, 0, 0, 0, null, false, null,
                NO_CLIENT_ID, 0, asset, amount, externalId, null, 0, null);
    }

    public static StreamCommand createAsset(String asset, int decimals) {
        return new StreamCommand(CREATE_ASSET, null, null, 0, null, null, null, 0, 0, 0, null, false, null,
                NO_CLIENT_ID, 0, asset, 0, null, null, decimals, null);
    }

    public static StreamCommand createMarket(MarketSpec market) {
        return new StreamCommand(CREATE_MARKET, null, null, 0, market.symbol(), null, null, 0, 0, 0, null, false,
                null, NO_CLIENT_ID, 0, null, 0, null, market, 0, null);
    }

    public static StreamCommand setMarketStatus(String symbol, String status) {
        return new StreamCommand(SET_MARKET_STATUS, null, null, 0, symbol, null, null, 0, 0, 0, null, false, null,
                NO_CLIENT_ID, 0, null, 0, null, null, 0, status);
    }

    StreamCommand addressed(String newRequestId, String newReplyTo) {
        return new StreamCommand(type, newRequestId, newReplyTo, accountId, symbol, side, orderType, price,
                quantity, quoteQuantity, timeInForce, postOnly, selfTradePrevention, clientId, orderId, asset, amount,
                externalId, market, decimals, status);
    }
}
