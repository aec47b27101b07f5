package exchange.common.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import exchange.common.book.Order;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.EngineEvent.BalanceChanged;
import exchange.common.engine.EngineEvent.DepthChanged;
import exchange.common.engine.EngineEvent.Level;
import exchange.common.money.FixedPoint;

/**
 * Test fixture that speaks decimals: one engine with USDC (6 decimals), SOL (9) and BTC (8), market
 * SOL_USDC (tick 0.01, step 0.01, min 0.01, maker 0.1%, taker 0.2%) and a readable one-line rendering of
 * events and of the book, so scenarios read as "book before, command, events, book after".
 */
final class EngineScenario {

    static final String SYMBOL = "SOL_USDC";
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;

    final EventRecorder recorder = new EventRecorder();
    final MatchingEngine engine = new MatchingEngine(recorder);
    private long commandId;
    private long timestamp = 1_700_000_000_000_000L;

    EngineScenario() {
        run(new Command.CreateAsset(next(), ts(), "USDC", 6));
        run(new Command.CreateAsset(next(), ts(), "SOL", 9));
        run(new Command.CreateAsset(next(), ts(), "BTC", 8));
        run(new Command.CreateMarket(next(), ts(), new MarketSpec(SYMBOL, "SOL", "USDC", "0.01", "0.01", "0.01",
                1_000, 2_000)));
    }

    long next() {
        return ++commandId;
    }

    long ts() {
        return timestamp += 1_000;
    }

    List<EngineEvent> run(Command c) {
        engine.apply(c);
        return recorder.drain();
    }

    static long price(String decimal) {
        return FixedPoint.parseGrid(decimal, 6, 10_000);
    }

    static long qty(String decimal) {
        return FixedPoint.parseGrid(decimal, 9, 10_000_000);
    }

    static long usdc(String decimal) {
        return FixedPoint.parseUnits(decimal, 6);
    }

    static long sol(String decimal) {
        return FixedPoint.parseUnits(decimal, 9);
    }

    EngineScenario fund(long account, String usdcAmount, String solAmount) {
        run(new Command.Deposit(next(), ts(), account, "USDC", usdc(usdcAmount)));
        run(new Command.Deposit(next(), ts(), account, "SOL", sol(solAmount)));
        return this;
    }

    Command.PlaceOrder limit(long account, Side side, String price, String quantity) {
        return order(account, side, OrderType.Limit, price(price), qty(quantity), 0, TimeInForce.GTC, false,
                SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID);
    }

    Command.PlaceOrder order(long account, Side side, OrderType type, long price, long quantity, long quoteQuantity,
            TimeInForce tif, boolean postOnly, SelfTradePrevention stp, long clientId) {
        return new Command.PlaceOrder(next(), ts(), account, SYMBOL, side, type, price, quantity, quoteQuantity, tif,
                postOnly, stp, clientId);
    }

    List<EngineEvent> bid(long account, String price, String quantity) {
        return run(limit(account, Side.Bid, price, quantity));
    }

    List<EngineEvent> ask(long account, String price, String quantity) {
        return run(limit(account, Side.Ask, price, quantity));
    }

    /** The book, asks from worst to best then bids from best to worst, like a ladder: "ASK 101.00 1.00 #1 a1". */
    List<String> book() {
        EngineState.MarketState m = engine.snapshot().markets().get(0);
        List<String> out = new ArrayList<>();
        List<OrderSnapshot> asks = new ArrayList<>(m.asks());
        // worst level first, but each level keeps its FIFO order (List.sort is stable)
        asks.sort(java.util.Comparator.comparingLong(OrderSnapshot::price).reversed());
        for (OrderSnapshot o : asks) {
            out.add("ASK " + px(o.price()) + " " + q(o.quantity() - o.executedQuantity()) + " #" + o.orderId() + " a"
                    + o.accountId());
        }
        for (OrderSnapshot o : m.bids()) {
            out.add("BID " + px(o.price()) + " " + q(o.quantity() - o.executedQuantity()) + " #" + o.orderId() + " a"
                    + o.accountId());
        }
        return out;
    }

    /** @return "USDC avail/locked" of the account, e.g. "1000.000000/0.000000" */
    String balance(long account, String asset) {
        int decimals = asset.equals("USDC") ? 6 : asset.equals("SOL") ? 9 : 8;
        for (EngineState.BalanceState b : engine.snapshot().balances()) {
            if (b.accountId() == account && b.asset().equals(asset)) {
                return FixedPoint.format(b.available(), decimals) + "/" + FixedPoint.format(b.locked(), decimals);
            }
        }
        return FixedPoint.format(0, decimals) + "/" + FixedPoint.format(0, decimals);
    }

    static String px(long ticks) {
        return FixedPoint.format(ticks, 2);
    }

    static String q(long steps) {
        return FixedPoint.format(steps, 2);
    }

    /** One line per event except balance changes (see {@link #balances}). */
    static List<String> describe(List<EngineEvent> events) {
        return events.stream().filter(e -> !(e instanceof BalanceChanged)).map(EngineScenario::describe)
                .collect(Collectors.toList());
    }

    /** Balance changes only, "a2 USDC 898.000000/100.000000". */
    static List<String> balances(List<EngineEvent> events) {
        return events.stream().filter(e -> e instanceof BalanceChanged).map(EngineScenario::describe)
                .collect(Collectors.toList());
    }

    static String describe(EngineEvent e) {
        return switch (e) {
            case EngineEvent.OrderAccepted a -> "Accepted #" + a.order().orderId() + " " + order(a.order());
            case EngineEvent.OrderFilled f -> "Filled #" + f.order().orderId();
            case EngineEvent.OrderCancelled c -> "Cancelled #" + c.order().orderId() + " " + c.reason();
            case EngineEvent.OrderExpired x -> "Expired #" + x.order().orderId() + " " + x.reason() + " executed "
                    + q(x.order().executedQuantity());
            case EngineEvent.Rejected r -> "Rejected a" + r.accountId() + " " + r.reason();
            case EngineEvent.Trade t -> "Trade " + t.tradeId() + " " + px(t.price()) + " x " + q(t.quantity())
                    + " maker #" + t.makerOrderId() + " taker #" + t.takerOrderId() + " " + t.takerSide()
                    + " fees " + amount(t.makerFee(), t.makerFeeAsset()) + " / " + amount(t.takerFee(), t.takerFeeAsset());
            case DepthChanged d -> "Depth " + d.updateId() + " bids " + levels(d.bids()) + " asks " + levels(d.asks());
            case BalanceChanged b -> "a" + b.accountId() + " " + b.asset() + " " + amount(b.available(), b.asset())
                    .replace(" " + b.asset(), "") + "/" + amount(b.locked(), b.asset()).replace(" " + b.asset(), "");
            case EngineEvent.AssetCreated a -> "Asset " + a.asset();
            case EngineEvent.MarketCreated m -> "Market " + m.spec().symbol();
            case EngineEvent.MarketStatusChanged s -> "Market " + s.symbol() + " " + s.status();
        };
    }

    private static String order(OrderSnapshot o) {
        String size = o.quantity() > 0 ? q(o.quantity()) : "quote " + amount(o.quoteQuantity(), "USDC");
        return o.side() + " " + o.type() + " " + (o.price() > 0 ? px(o.price()) + " x " : "") + size + " "
                + o.timeInForce() + (o.postOnly() ? " postOnly" : "");
    }

    private static String levels(List<Level> levels) {
        return levels.stream().map(l -> px(l.price()) + "=" + q(l.quantity())).collect(Collectors.joining(",", "[", "]"));
    }

    static String amount(long units, String asset) {
        int decimals = asset.equals("USDC") ? 6 : asset.equals("SOL") ? 9 : 8;
        return FixedPoint.format(units, decimals) + " " + asset;
    }
}
