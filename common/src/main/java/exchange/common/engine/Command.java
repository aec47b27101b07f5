package exchange.common.engine;

import exchange.common.book.Order;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;

/**
 * An input to {@link MatchingEngine#apply}. Every command carries the host's {@code commandId} (its
 * position in the command stream, recorded with each commit) and a {@code timestamp} in epoch
 * microseconds assigned by the host: the engine never reads a clock, so replays are exact.
 *
 * <p>Prices are in ticks and quantities in steps of the market; amounts in the asset's smallest unit.
 * Decimal strings are converted at the edge (see {@code exchange.common.money.FixedPoint} and
 * {@link MarketSpec}). Commands are immutable and thread-safe.
 */
public sealed interface Command {

    /** @return the host's id for this command (stream position) */
    long commandId();

    /** @return epoch microseconds assigned by the host */
    long timestamp();

    /**
     * Registers an asset.
     *
     * @param asset name, upper-case letters and digits, e.g. {@code USDC}
     * @param decimals smallest unit is 10^-decimals, 0..18
     */
    record CreateAsset(long commandId, long timestamp, String asset, int decimals) implements Command {
    }

    /** Creates a market, initially {@link MarketStatus#Open}. */
    record CreateMarket(long commandId, long timestamp, MarketSpec spec) implements Command {
    }

    /** Halts or resumes a market. */
    record SetMarketStatus(long commandId, long timestamp, String symbol, MarketStatus status) implements Command {
    }

    /** Credits {@code amount} (> 0, asset units) to the account's available balance. */
    record Deposit(long commandId, long timestamp, long accountId, String asset, long amount) implements Command {
    }

    /** Debits {@code amount} (> 0, asset units) from the account's available balance. */
    record Withdraw(long commandId, long timestamp, long accountId, String asset, long amount) implements Command {
    }

    /**
     * Places an order.
     *
     * @param price limit price in ticks; 0 for market orders
     * @param quantity steps; 0 for a market order sized by {@code quoteQuantity}
     * @param quoteQuantity quote units, only for market orders sized by quote; otherwise 0
     * @param timeInForce null means GTC; for market orders GTC and IOC both mean IOC
     * @param selfTradePrevention null means RejectTaker
     * @param clientId 0..4294967295 or {@link Order#NO_CLIENT_ID}
     */
    record PlaceOrder(long commandId, long timestamp, long accountId, String symbol, Side side, OrderType type,
            long price, long quantity, long quoteQuantity, TimeInForce timeInForce, boolean postOnly,
            SelfTradePrevention selfTradePrevention, long clientId) implements Command {

        /** Applies Backpack's defaults for absent optional fields. */
        public PlaceOrder {
            if (timeInForce == null) {
                timeInForce = TimeInForce.GTC;
            }
            if (selfTradePrevention == null) {
                selfTradePrevention = SelfTradePrevention.RejectTaker;
            }
        }

        /** @return a limit order with default STP and no client id */
        public static PlaceOrder limit(long commandId, long timestamp, long accountId, String symbol, Side side,
                long price, long quantity, TimeInForce timeInForce) {
            return new PlaceOrder(commandId, timestamp, accountId, symbol, side, OrderType.Limit, price, quantity, 0,
                    timeInForce, false, null, Order.NO_CLIENT_ID);
        }

        /** @return a market order sized by base quantity */
        public static PlaceOrder market(long commandId, long timestamp, long accountId, String symbol, Side side,
                long quantity) {
            return new PlaceOrder(commandId, timestamp, accountId, symbol, side, OrderType.Market, 0, quantity, 0,
                    TimeInForce.IOC, false, null, Order.NO_CLIENT_ID);
        }

        /** @return a market order sized by quote quantity */
        public static PlaceOrder marketByQuote(long commandId, long timestamp, long accountId, String symbol,
                Side side, long quoteQuantity) {
            return new PlaceOrder(commandId, timestamp, accountId, symbol, side, OrderType.Market, 0, 0,
                    quoteQuantity, TimeInForce.IOC, false, null, Order.NO_CLIENT_ID);
        }
    }

    /**
     * Cancels one open order of the account on a market, by order id or, if {@code orderId} is 0, by
     * client id.
     *
     * @param orderId engine order id, or 0 to look up by client id
     * @param clientId used only when orderId is 0
     */
    record CancelOrder(long commandId, long timestamp, long accountId, String symbol, long orderId, long clientId)
            implements Command {

        /** @return a cancel by engine order id */
        public static CancelOrder byOrderId(long commandId, long timestamp, long accountId, String symbol,
                long orderId) {
            return new CancelOrder(commandId, timestamp, accountId, symbol, orderId, Order.NO_CLIENT_ID);
        }

        /** @return a cancel by client id */
        public static CancelOrder byClientId(long commandId, long timestamp, long accountId, String symbol,
                long clientId) {
            return new CancelOrder(commandId, timestamp, accountId, symbol, 0, clientId);
        }
    }

    /**
     * Cancels all open orders of the account, on one market or (symbol null) on all markets, in order id
     * order. Cancelling nothing is not an error and yields no events.
     */
    record CancelAll(long commandId, long timestamp, long accountId, String symbol) implements Command {
    }
}
