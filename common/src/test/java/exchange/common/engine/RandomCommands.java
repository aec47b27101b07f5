package exchange.common.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import exchange.common.book.Order;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;

/**
 * Generates a random but reproducible command sequence for one seed: two markets sharing USDC, a dozen
 * accounts, prices in a band of a few ticks so that orders cross all the time, small client-id and
 * order-id ranges so that duplicates, stale cancels and self-trades happen, and a sprinkling of
 * malformed commands.
 */
final class RandomCommands {

    static final String[] SYMBOLS = {"SOL_USDC", "BTC_USDC"};
    private static final int ACCOUNTS = 12;

    private final SplittableRandom random;
    private long commandId;
    private long timestamp = 1_000_000;
    private long maxOrderId = 1;

    RandomCommands(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Assets, markets (random fees) and initial deposits. */
    List<Command> setup() {
        List<Command> out = new ArrayList<>();
        out.add(new Command.CreateAsset(++commandId, ts(), "USDC", 6));
        out.add(new Command.CreateAsset(++commandId, ts(), "SOL", 9));
        out.add(new Command.CreateAsset(++commandId, ts(), "BTC", 8));
        out.add(new Command.CreateMarket(++commandId, ts(), new MarketSpec("SOL_USDC", "SOL", "USDC", "0.01", "0.01",
                "0.02", fee(), fee())));
        out.add(new Command.CreateMarket(++commandId, ts(), new MarketSpec("BTC_USDC", "BTC", "USDC", "1", "0.0001",
                "0.0001", fee(), fee())));
        for (long a = 1; a <= ACCOUNTS; a++) {
            out.add(new Command.Deposit(++commandId, ts(), a, "USDC", random.nextLong(0, 5_000) * 1_000_000 + 1));
            out.add(new Command.Deposit(++commandId, ts(), a, "SOL", random.nextLong(0, 50) * 1_000_000_000L));
            out.add(new Command.Deposit(++commandId, ts(), a, "BTC", random.nextLong(0, 200) * 1_000_000L));
        }
        return out;
    }

    private int fee() {
        int r = random.nextInt(10);
        return r < 2 ? 0 : r < 8 ? random.nextInt(1, 5_000) : r < 9 ? 1_000_000 : random.nextInt(0, 1_000_001);
    }

    private long ts() {
        return timestamp += random.nextLong(0, 3);
    }

    /** @return the next random command */
    Command next() {
        long id = ++commandId;
        long ts = ts();
        long account = random.nextLong(1, ACCOUNTS + 1);
        String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)];
        // SOL_USDC mid ~ 100.00 (10_000 ticks), BTC_USDC mid ~ 50 (ticks of 1 USDC)
        long mid = symbol.equals("SOL_USDC") ? 10_000 : 50;
        long price = mid + random.nextLong(-4, 5);
        long quantity = symbol.equals("SOL_USDC") ? random.nextLong(1, 400) : random.nextLong(1, 30_000);
        Side side = random.nextBoolean() ? Side.Bid : Side.Ask;
        SelfTradePrevention stp = SelfTradePrevention.values()[random.nextInt(3)];
        long clientId = random.nextInt(4) == 0 ? random.nextLong(0, 6) : Order.NO_CLIENT_ID;
        int r = random.nextInt(1000);
        Command c;
        if (r < 330) {
            c = order(id, ts, account, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.GTC, false, stp,
                    clientId);
        } else if (r < 400) {
            c = order(id, ts, account, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.IOC, false, stp,
                    clientId);
        } else if (r < 450) {
            c = order(id, ts, account, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.FOK, false, stp,
                    clientId);
        } else if (r < 500) {
            c = order(id, ts, account, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.GTC, true, stp,
                    clientId);
        } else if (r < 540) {
            c = order(id, ts, account, symbol, side, OrderType.Market, 0, quantity, 0,
                    random.nextInt(4) == 0 ? TimeInForce.FOK : TimeInForce.IOC, false, stp, clientId);
        } else if (r < 570) {
            c = order(id, ts, account, symbol, side, OrderType.Market, 0, 0, random.nextLong(1, 3_000_000_000L),
                    TimeInForce.IOC, false, stp, clientId);
        } else if (r < 720) {
            // mostly recent ids, which are more likely still open
            long orderId = random.nextInt(4) == 0 ? random.nextLong(1, maxOrderId + 1)
                    : Math.max(1, maxOrderId - random.nextLong(0, 40));
            c = Command.CancelOrder.byOrderId(id, ts, account, symbol, orderId);
        } else if (r < 780) {
            c = Command.CancelOrder.byClientId(id, ts, account, symbol, random.nextLong(0, 6));
        } else if (r < 800) {
            c = new Command.CancelAll(id, ts, account, random.nextBoolean() ? symbol : null);
        } else if (r < 880) {
            String asset = new String[] {"USDC", "SOL", "BTC"}[random.nextInt(3)];
            c = new Command.Deposit(id, ts, random.nextInt(20) == 0 ? 0 : account, asset,
                    random.nextLong(1, 1_000_000_000_000L));
        } else if (r < 930) {
            String asset = new String[] {"USDC", "SOL", "BTC"}[random.nextInt(3)];
            c = new Command.Withdraw(id, ts, random.nextInt(10) == 0 ? 0 : account, asset,
                    random.nextLong(1, 1_000_000_000_000L));
        } else if (r < 940) {
            c = new Command.SetMarketStatus(id, ts, symbol,
                    random.nextInt(8) == 0 ? MarketStatus.Halted : MarketStatus.Open);
        } else {
            c = malformed(id, ts, account, symbol, side, price, quantity, stp);
        }
        return c;
    }

    private Command malformed(long id, long ts, long account, String symbol, Side side, long price, long quantity,
            SelfTradePrevention stp) {
        return switch (random.nextInt(12)) {
            case 0 -> order(id, ts, account, symbol, side, OrderType.Limit, 0, quantity, 0, TimeInForce.GTC, false, stp,
                    Order.NO_CLIENT_ID);
            case 1 -> order(id, ts, account, symbol, side, OrderType.Limit, price, 0, 0, TimeInForce.GTC, false, stp,
                    Order.NO_CLIENT_ID);
            case 2 -> order(id, ts, account, symbol, side, OrderType.Limit, Long.MAX_VALUE / 3, quantity, 0,
                    TimeInForce.GTC, false, stp, Order.NO_CLIENT_ID);
            case 3 -> order(id, ts, account, "DOGE_USDC", side, OrderType.Limit, price, quantity, 0, TimeInForce.GTC,
                    false, stp, Order.NO_CLIENT_ID);
            case 4 -> order(id, ts, 0, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.GTC, false, stp,
                    Order.NO_CLIENT_ID);
            case 5 -> order(id, ts, account, symbol, side, OrderType.Market, 0, quantity, 5, TimeInForce.IOC, false, stp,
                    Order.NO_CLIENT_ID);
            case 6 -> order(id, ts, account, symbol, side, OrderType.Market, 0, 0, 1_000, TimeInForce.FOK, false, stp,
                    Order.NO_CLIENT_ID);
            case 7 -> order(id, ts, account, symbol, side, OrderType.Limit, price, quantity, 0, TimeInForce.GTC, false,
                    stp, 1L << 33);
            case 8 -> order(id, ts, account, symbol, side, OrderType.Limit, price, 1, 0, TimeInForce.GTC, false, stp,
                    Order.NO_CLIENT_ID);
            case 9 -> order(id, ts, account, symbol, side, OrderType.Market, 0, -5, 0, TimeInForce.IOC, false, stp,
                    Order.NO_CLIENT_ID);
            case 10 -> new Command.Deposit(id, ts, account, "XRP", 5);
            default -> new Command.Withdraw(id, ts, account, "USDC", 0);
        };
    }

    private Command order(long id, long ts, long account, String symbol, Side side, OrderType type, long price,
            long quantity, long quoteQuantity, TimeInForce tif, boolean postOnly, SelfTradePrevention stp,
            long clientId) {
        maxOrderId++;
        return new Command.PlaceOrder(id, ts, account, symbol, side, type, price, quantity, quoteQuantity, tif,
                postOnly, stp, clientId);
    }
}
