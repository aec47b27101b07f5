package exchange.benchmarks.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import exchange.common.book.Order;
import exchange.common.book.OrderType;
import exchange.common.book.OrderView;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.CancelReason;
import exchange.common.engine.Command;
import exchange.common.engine.EngineState;
import exchange.common.engine.ExpireReason;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.MatchingEngine;

/**
 * The benchmark's realistic mix, generated once up front so that the measured loop only applies commands:
 * one market, 2,000 funded accounts, a book seeded with about 1,000 orders over about 500 price levels,
 * then commands of roughly 50% limit GTC near the touch, 10% crossing (limit IOC, market, FOK), 35% cancel
 * of a live order and 5% post-only.
 *
 * <p>Generation runs the commands through a real engine to know which orders are live, so cancels target
 * open orders. Because the engine is deterministic, replaying the same commands on an engine restored from
 * {@link #initialState} reproduces exactly the same work.
 */
final class Workload {

    static final String SYMBOL = "SOL_USDC";
    static final int ACCOUNTS = 2_000;
    static final long MID = 10_000;
    static final int TARGET_ORDERS = 1_000;

    final EngineState initialState;
    final Command[] commands;
    final int bookOrdersAtStart;
    final int bookLevelsAtStart;
    final int bookOrdersAtEnd;
    final int bookLevelsAtEnd;

    private final SplittableRandom random;
    private final LiveOrders live = new LiveOrders();
    private long commandId;
    private long timestamp = 1_700_000_000_000_000L;

    Workload(long seed, int count) {
        random = new SplittableRandom(seed);
        MatchingEngine engine = new MatchingEngine(live);
        engine.apply(new Command.CreateAsset(++commandId, ++timestamp, "USDC", 6));
        engine.apply(new Command.CreateAsset(++commandId, ++timestamp, "SOL", 9));
        engine.apply(new Command.CreateMarket(++commandId, ++timestamp,
                new MarketSpec(SYMBOL, "SOL", "USDC", "0.01", "0.01", "0.01", 1_000, 2_000)));
        for (long account = 1; account <= ACCOUNTS; account++) {
            engine.apply(new Command.Deposit(++commandId, ++timestamp, account, "USDC", 1_000_000_000_000_000L));
            engine.apply(new Command.Deposit(++commandId, ++timestamp, account, "SOL", 1_000_000_000_000_000L));
        }
        // Seed: ~1,000 orders over ~500 levels, 300 price points a side below/above the mid.
        for (int i = 0; i < 1_000; i++) {
            Side side = (i & 1) == 0 ? Side.Bid : Side.Ask;
            long offset = 1 + random.nextLong(300);
            long price = side == Side.Bid ? MID - offset : MID + offset;
            engine.apply(limit(side, price, TimeInForce.GTC, false));
        }
        initialState = engine.snapshot();
        bookOrdersAtStart = live.size();
        bookLevelsAtStart = levels(initialState);
        commands = new Command[count];
        for (int i = 0; i < count; i++) {
            Command c = next(engine);
            commands[i] = c;
            engine.apply(c);
        }
        EngineState end = engine.snapshot();
        bookOrdersAtEnd = live.size();
        bookLevelsAtEnd = levels(end);
    }

    private static int levels(EngineState state) {
        EngineState.MarketState m = state.markets().get(0);
        return (int) (m.bids().stream().mapToLong(o -> o.price()).distinct().count()
                + m.asks().stream().mapToLong(o -> o.price()).distinct().count());
    }

    private Command next(MatchingEngine engine) {
        int r = random.nextInt(100);
        Side side = random.nextBoolean() ? Side.Bid : Side.Ask;
        long bestBid = live.best(Side.Bid);
        long bestAsk = live.best(Side.Ask);
        if (r < 35 && live.size() > 0) {
            long[] order = live.pick(random);
            return Command.CancelOrder.byOrderId(++commandId, ++timestamp, order[1], SYMBOL, order[0]);
        }
        if (r < 45) {
            // crossing: a third each limit IOC through the touch, market, FOK; sized to take a few resting
            // orders, more when the book is above its target size, which keeps the book stationary
            long quantity = crossingQuantity();
            int kind = random.nextInt(3);
            if (kind == 1) {
                return new Command.PlaceOrder(++commandId, ++timestamp, account(), SYMBOL, side, OrderType.Market, 0,
                        quantity, 0, TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID);
            }
            long touch = side == Side.Bid ? bestAsk : bestBid;
            long through = random.nextLong(6);
            long price = side == Side.Bid ? touch + through : touch - through;
            return new Command.PlaceOrder(++commandId, ++timestamp, account(), SYMBOL, side, OrderType.Limit,
                    Math.max(1, price), quantity, 0, kind == 0 ? TimeInForce.IOC : TimeInForce.FOK, false,
                    SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID);
        }
        // passive: near the touch on its own side, never crossing
        // half of them at or right behind the touch, the other half spread over the 300 levels behind it,
        // which keeps about 500 levels populated
        long depth = random.nextBoolean() ? random.nextLong(3) : random.nextLong(300);
        long price = side == Side.Bid ? Math.min(bestAsk - 1, bestBid + 1) - depth
                : Math.max(bestBid + 1, bestAsk - 1) + depth;
        // 5% of all commands are post-only, some of them would take and are rejected
        boolean postOnly = r >= 95;
        if (postOnly && random.nextInt(4) == 0) {
            price = side == Side.Bid ? bestAsk : bestBid;
        }
        return limit(side, Math.max(1, price), TimeInForce.GTC, postOnly);
    }

    private long crossingQuantity() {
        long orders = Math.max(1, Math.min(40, 2 + (live.size() - TARGET_ORDERS) / 10));
        return 1 + random.nextLong(100 * orders * 2);
    }

    private long account() {
        return 1 + random.nextLong(ACCOUNTS);
    }

    private long quantity() {
        return 1 + random.nextLong(200);
    }

    private Command.PlaceOrder limit(Side side, long price, TimeInForce tif, boolean postOnly) {
        return new Command.PlaceOrder(++commandId, ++timestamp, account(), SYMBOL, side, OrderType.Limit, price,
                quantity(), 0, tif, postOnly, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID);
    }

    /** Tracks open orders of the generating engine (generation time only, allocation does not matter). */
    private static final class LiveOrders extends NoOpListener {
        private final List<long[]> orders = new ArrayList<>();
        private final Map<Long, Integer> index = new HashMap<>();
        private final Map<Long, long[]> priceSide = new HashMap<>();
        private final java.util.TreeMap<Long, Integer> bids = new java.util.TreeMap<>();
        private final java.util.TreeMap<Long, Integer> asks = new java.util.TreeMap<>();
        private long pending = -1;
        private boolean pendingClosed;

        int size() {
            return orders.size();
        }

        long best(Side side) {
            if (side == Side.Bid) {
                return bids.isEmpty() ? MID - 1 : bids.lastKey();
            }
            return asks.isEmpty() ? MID + 1 : asks.firstKey();
        }

        long[] pick(SplittableRandom random) {
            return orders.get(random.nextInt(orders.size()));
        }

        @Override
        public void commandStarted(long commandId, long timestamp) {
            pending = -1;
            pendingClosed = false;
        }

        @Override
        public void orderAccepted(long sequence, OrderView order) {
            pending = order.orderId();
            priceSide.put(order.orderId(), new long[] {order.price(), order.side().ordinal(), order.accountId()});
        }

        @Override
        public void orderFilled(long sequence, OrderView order) {
            closed(order.orderId());
        }

        @Override
        public void orderCancelled(long sequence, OrderView order, CancelReason reason) {
            closed(order.orderId());
        }

        @Override
        public void orderExpired(long sequence, OrderView order, ExpireReason reason) {
            closed(order.orderId());
        }

        private void closed(long id) {
            if (id == pending) {
                pendingClosed = true;
                return;
            }
            Integer at = index.remove(id);
            if (at == null) {
                return;
            }
            long[] last = orders.remove(orders.size() - 1);
            if (at < orders.size()) {
                orders.set(at, last);
                index.put(last[0], at);
            }
            long[] ps = priceSide.remove(id);
            java.util.TreeMap<Long, Integer> levels = ps[1] == Side.Bid.ordinal() ? bids : asks;
            levels.merge(ps[0], -1, (a, b) -> a + b == 0 ? null : a + b);
        }

        @Override
        public void commandFinished() {
            if (pending >= 0 && !pendingClosed) {
                long[] ps = priceSide.get(pending);
                index.put(pending, orders.size());
                orders.add(new long[] {pending, ps[2]});
                (ps[1] == Side.Bid.ordinal() ? bids : asks).merge(ps[0], 1, Integer::sum);
            } else if (pending >= 0) {
                priceSide.remove(pending);
            }
        }
    }
}
