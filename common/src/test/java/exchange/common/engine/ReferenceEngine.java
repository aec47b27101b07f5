package exchange.common.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import exchange.common.book.Order;
import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.EngineEvent.BalanceChanged;
import exchange.common.engine.EngineEvent.Level;

/**
 * A deliberately naive re-implementation of the engine's rules, for differential testing: one flat list
 * of open orders sorted on every use, balances in nested maps, BigDecimal/BigInteger arithmetic, depth
 * computed by diffing the whole book before and after a command, and FOK decided by trying the order on
 * a deep copy. Slow and obviously correct is the point; it shares no code with the engine beyond the
 * public command and event types.
 */
final class ReferenceEngine {

    private static final class RefMarket {
        MarketSpec spec;
        int baseDecimals;
        int quoteDecimals;
        long quotePerTickStep;
        long basePerStep;
        long minQuantity;
        MarketStatus status = MarketStatus.Open;
        long depthUpdateId;
    }

    private static final class RefOrder {
        long id;
        long account;
        long clientId;
        String symbol;
        Side side;
        OrderType type;
        TimeInForce tif;
        boolean postOnly;
        SelfTradePrevention stp;
        long price;
        long quantity;
        long quoteQuantity;
        long executed;
        long executedQuote;
        long locked;
        OrderStatus status = OrderStatus.New;
        long createdAt;

        RefOrder copy() {
            RefOrder c = new RefOrder();
            c.id = id; c.account = account; c.clientId = clientId; c.symbol = symbol; c.side = side; c.type = type;
            c.tif = tif; c.postOnly = postOnly; c.stp = stp; c.price = price; c.quantity = quantity;
            c.quoteQuantity = quoteQuantity; c.executed = executed; c.executedQuote = executedQuote;
            c.locked = locked; c.status = status; c.createdAt = createdAt;
            return c;
        }

        boolean byQuote() {
            return quantity == 0;
        }

        OrderSnapshot snapshot() {
            return new OrderSnapshot(id, account, clientId, symbol, side, type, tif, postOnly, stp, price, quantity,
                    quoteQuantity, executed, executedQuote, locked, status, createdAt);
        }
    }

    private final Map<String, Integer> assets = new LinkedHashMap<>();
    private final Map<String, RefMarket> markets = new LinkedHashMap<>();
    /** account -> asset -> {available, locked} */
    private final TreeMap<Long, Map<String, long[]>> balances = new TreeMap<>();
    private final List<RefOrder> open = new ArrayList<>();
    private long nextOrderId = 1;
    private long nextTradeId = 1;
    private long nextSequence = 1;
    private long lastCommandId;
    private List<EngineEvent> out = new ArrayList<>();
    private long commandId;
    private long timestamp;

    ReferenceEngine copy() {
        ReferenceEngine c = new ReferenceEngine();
        c.assets.putAll(assets);
        markets.forEach((k, v) -> {
            RefMarket m = new RefMarket();
            m.spec = v.spec; m.baseDecimals = v.baseDecimals; m.quoteDecimals = v.quoteDecimals;
            m.quotePerTickStep = v.quotePerTickStep; m.basePerStep = v.basePerStep; m.minQuantity = v.minQuantity;
            m.status = v.status; m.depthUpdateId = v.depthUpdateId;
            c.markets.put(k, m);
        });
        balances.forEach((acct, map) -> {
            Map<String, long[]> copy = new LinkedHashMap<>();
            map.forEach((a, v) -> copy.put(a, v.clone()));
            c.balances.put(acct, copy);
        });
        open.forEach(o -> c.open.add(o.copy()));
        c.nextOrderId = nextOrderId; c.nextTradeId = nextTradeId; c.nextSequence = nextSequence;
        return c;
    }

    List<EngineEvent> apply(Command command) {
        out = new ArrayList<>();
        commandId = command.commandId();
        timestamp = command.timestamp();
        lastCommandId = commandId;
        Map<String, Map<Side, TreeMap<Long, Long>>> before = depth();
        switch (command) {
            case Command.CreateAsset a -> {
                if (a.asset() == null || !a.asset().matches("[A-Z0-9]{1,32}") || assets.containsKey(a.asset())
                        || a.decimals() < 0 || a.decimals() > 18) {
                    reject(-1, RejectReason.INVALID_ASSET_SPEC);
                } else {
                    assets.put(a.asset(), a.decimals());
                    out.add(new EngineEvent.AssetCreated(nextSequence++, commandId, timestamp, a.asset(), a.decimals()));
                }
            }
            case Command.CreateMarket c -> createMarket(c.spec());
            case Command.SetMarketStatus s -> {
                RefMarket m = s.symbol() == null ? null : markets.get(s.symbol());
                if (m == null || s.status() == null) {
                    reject(-1, RejectReason.INVALID_MARKET);
                } else {
                    m.status = s.status();
                    out.add(new EngineEvent.MarketStatusChanged(nextSequence++, commandId, timestamp, s.symbol(),
                            s.status()));
                }
            }
            case Command.Deposit d -> deposit(d);
            case Command.Withdraw w -> withdraw(w);
            case Command.PlaceOrder p -> place(p);
            case Command.CancelOrder c -> cancel(c);
            case Command.CancelAll c -> cancelAll(c);
        }
        Map<String, Map<Side, TreeMap<Long, Long>>> after = depth();
        for (String symbol : markets.keySet()) {
            List<Level> bids = diff(before.get(symbol), after.get(symbol), Side.Bid);
            List<Level> asks = diff(before.get(symbol), after.get(symbol), Side.Ask);
            if (!bids.isEmpty() || !asks.isEmpty()) {
                RefMarket m = markets.get(symbol);
                out.add(new EngineEvent.DepthChanged(nextSequence++, commandId, timestamp, symbol, ++m.depthUpdateId,
                        bids, asks));
            }
        }
        return out;
    }

    private Map<String, Map<Side, TreeMap<Long, Long>>> depth() {
        Map<String, Map<Side, TreeMap<Long, Long>>> d = new LinkedHashMap<>();
        for (String symbol : markets.keySet()) {
            Map<Side, TreeMap<Long, Long>> sides = new LinkedHashMap<>();
            sides.put(Side.Bid, new TreeMap<>());
            sides.put(Side.Ask, new TreeMap<>());
            d.put(symbol, sides);
        }
        for (RefOrder o : open) {
            d.get(o.symbol).get(o.side).merge(o.price, o.quantity - o.executed, Long::sum);
        }
        return d;
    }

    private static List<Level> diff(Map<Side, TreeMap<Long, Long>> before, Map<Side, TreeMap<Long, Long>> after,
            Side side) {
        TreeMap<Long, Long> b = before == null ? new TreeMap<>() : before.get(side);
        TreeMap<Long, Long> a = after.get(side);
        TreeMap<Long, Long> changed = side == Side.Bid ? new TreeMap<>(Comparator.reverseOrder()) : new TreeMap<>();
        for (Long price : b.keySet()) {
            if (!b.get(price).equals(a.get(price))) {
                changed.put(price, a.getOrDefault(price, 0L));
            }
        }
        for (Long price : a.keySet()) {
            if (!a.get(price).equals(b.get(price))) {
                changed.put(price, a.get(price));
            }
        }
        List<Level> levels = new ArrayList<>();
        changed.forEach((p, q) -> levels.add(new Level(p, q)));
        return List.copyOf(levels);
    }

    private void createMarket(MarketSpec spec) {
        RefMarket m = spec == null || markets.containsKey(spec.symbol()) ? null : buildMarket(spec);
        if (m == null) {
            reject(-1, RejectReason.INVALID_MARKET_SPEC);
            return;
        }
        markets.put(spec.symbol(), m);
        out.add(new EngineEvent.MarketCreated(nextSequence++, commandId, timestamp, spec));
    }

    private RefMarket buildMarket(MarketSpec spec) {
        if (spec.symbol() == null || !spec.symbol().matches("[A-Z0-9]{1,32}_[A-Z0-9]{1,32}")) {
            return null;
        }
        Integer bd = assets.get(spec.baseAsset());
        Integer qd = assets.get(spec.quoteAsset());
        if (bd == null || qd == null || spec.baseAsset().equals(spec.quoteAsset())) {
            return null;
        }
        if (spec.makerFeePpm() < 0 || spec.makerFeePpm() > 1_000_000 || spec.takerFeePpm() < 0
                || spec.takerFeePpm() > 1_000_000) {
            return null;
        }
        try {
            BigDecimal tick = strictPositive(spec.tickSize());
            BigDecimal step = strictPositive(spec.stepSize());
            BigDecimal min = strictPositive(spec.minQuantity());
            RefMarket m = new RefMarket();
            m.spec = spec;
            m.baseDecimals = bd;
            m.quoteDecimals = qd;
            m.quotePerTickStep = tick.multiply(step).movePointRight(qd).longValueExact();
            // throws unless the tick is exact in quote decimals
            tick.movePointRight(qd).longValueExact();
            m.basePerStep = step.movePointRight(bd).longValueExact();
            m.minQuantity = min.divide(step).longValueExact();
            return m.quotePerTickStep > 0 && m.basePerStep > 0 ? m : null;
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    private static BigDecimal strictPositive(String s) {
        if (s == null || !s.matches("[0-9]*\\.?[0-9]*") || !s.matches(".*[0-9].*")) {
            throw new NumberFormatException(s);
        }
        BigDecimal v = new BigDecimal(s);
        if (v.signum() <= 0) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    private long[] bal(long account, String asset) {
        return balances.computeIfAbsent(account, a -> new LinkedHashMap<>()).computeIfAbsent(asset, a -> new long[2]);
    }

    private long available(long account, String asset) {
        Map<String, long[]> m = balances.get(account);
        return m == null || m.get(asset) == null ? 0 : m.get(asset)[0];
    }

    private void emitBalance(long account, String asset) {
        long[] b = bal(account, asset);
        out.add(new BalanceChanged(nextSequence++, commandId, timestamp, account, asset, b[0], b[1]));
    }

    private void reject(long account, RejectReason reason) {
        out.add(new EngineEvent.Rejected(nextSequence++, commandId, timestamp, account, reason));
    }

    private void deposit(Command.Deposit d) {
        if (d.accountId() < 0) {
            reject(d.accountId(), RejectReason.INVALID_ACCOUNT);
        } else if (d.asset() == null || !assets.containsKey(d.asset())) {
            reject(d.accountId(), RejectReason.INVALID_ASSET);
        } else if (d.amount() <= 0) {
            reject(d.accountId(), RejectReason.INVALID_AMOUNT);
        } else {
            Map<String, long[]> m = balances.get(d.accountId());
            long[] cur = m == null || m.get(d.asset()) == null ? new long[2] : m.get(d.asset());
            BigInteger total = BigInteger.valueOf(cur[0]).add(BigInteger.valueOf(cur[1])).add(BigInteger.valueOf(d.amount()));
            if (total.bitLength() > 63) {
                reject(d.accountId(), RejectReason.INVALID_AMOUNT);
                return;
            }
            bal(d.accountId(), d.asset())[0] += d.amount();
            emitBalance(d.accountId(), d.asset());
        }
    }

    private void withdraw(Command.Withdraw w) {
        if (w.accountId() < 0) {
            reject(w.accountId(), RejectReason.INVALID_ACCOUNT);
        } else if (w.asset() == null || !assets.containsKey(w.asset())) {
            reject(w.accountId(), RejectReason.INVALID_ASSET);
        } else if (w.amount() <= 0) {
            reject(w.accountId(), RejectReason.INVALID_AMOUNT);
        } else if (available(w.accountId(), w.asset()) < w.amount()) {
            reject(w.accountId(), RejectReason.INSUFFICIENT_FUNDS);
        } else {
            bal(w.accountId(), w.asset())[0] -= w.amount();
            emitBalance(w.accountId(), w.asset());
        }
    }

    private static boolean fitsLong(long... factors) {
        BigInteger p = BigInteger.ONE;
        for (long f : factors) {
            p = p.multiply(BigInteger.valueOf(f));
        }
        return p.bitLength() <= 63;
    }

    private RejectReason validate(Command.PlaceOrder p, RefMarket m) {
        if (m == null) {
            return RejectReason.INVALID_MARKET;
        }
        if (p.accountId() <= 0) {
            return RejectReason.INVALID_ACCOUNT;
        }
        if (m.status == MarketStatus.Halted) {
            return RejectReason.MARKET_HALTED;
        }
        if (p.side() == null || p.type() == null) {
            return RejectReason.INVALID_ORDER;
        }
        if (p.clientId() != Order.NO_CLIENT_ID && (p.clientId() < 0 || p.clientId() > 4_294_967_295L)) {
            return RejectReason.INVALID_CLIENT_ID;
        }
        if (p.type() == OrderType.Limit) {
            if (p.price() <= 0) {
                return RejectReason.INVALID_PRICE;
            }
            if (p.quantity() <= 0) {
                return RejectReason.INVALID_QUANTITY;
            }
            if (p.quoteQuantity() != 0 || (p.postOnly() && p.timeInForce() != TimeInForce.GTC)) {
                return RejectReason.INVALID_ORDER;
            }
            if (p.quantity() < m.minQuantity) {
                return RejectReason.QUANTITY_BELOW_MINIMUM;
            }
            if (!fitsLong(p.price(), p.quantity(), m.quotePerTickStep) || !fitsLong(p.quantity(), m.basePerStep)) {
                return RejectReason.INVALID_QUANTITY;
            }
            return null;
        }
        if (p.price() != 0) {
            return RejectReason.INVALID_PRICE;
        }
        if (p.postOnly()) {
            return RejectReason.INVALID_ORDER;
        }
        if (p.quantity() > 0 && p.quoteQuantity() > 0) {
            return RejectReason.INVALID_ORDER;
        }
        if (p.quantity() <= 0 && p.quoteQuantity() <= 0 || p.quantity() < 0 || p.quoteQuantity() < 0) {
            return p.quantity() > 0 ? RejectReason.INVALID_ORDER : RejectReason.INVALID_QUANTITY;
        }
        if (p.quoteQuantity() > 0 && p.timeInForce() == TimeInForce.FOK) {
            return RejectReason.INVALID_ORDER;
        }
        if (p.quantity() > 0) {
            if (p.quantity() < m.minQuantity) {
                return RejectReason.QUANTITY_BELOW_MINIMUM;
            }
            if (!fitsLong(p.quantity(), m.basePerStep)) {
                return RejectReason.INVALID_QUANTITY;
            }
        }
        return null;
    }

    private void place(Command.PlaceOrder p) {
        RefMarket m = p.symbol() == null ? null : markets.get(p.symbol());
        RejectReason invalid = validate(p, m);
        if (invalid != null) {
            reject(p.accountId(), invalid);
            return;
        }
        if (p.clientId() != Order.NO_CLIENT_ID
                && open.stream().anyMatch(o -> o.account == p.accountId() && o.clientId == p.clientId())) {
            reject(p.accountId(), RejectReason.DUPLICATE_CLIENT_ID);
            return;
        }
        String lockAsset = p.side() == Side.Bid ? m.spec.quoteAsset() : m.spec.baseAsset();
        long available = available(p.accountId(), lockAsset);
        long lock;
        if (p.side() == Side.Bid) {
            lock = p.type() == OrderType.Limit ? p.price() * p.quantity() * m.quotePerTickStep
                    : p.quoteQuantity() > 0 ? p.quoteQuantity() : available;
        } else {
            lock = p.quantity() > 0 ? p.quantity() * m.basePerStep : available;
        }
        if (lock <= 0 || lock > available) {
            reject(p.accountId(), RejectReason.INSUFFICIENT_FUNDS);
            return;
        }
        if (p.postOnly() && book(p.symbol(), p.side().opposite()).stream().anyMatch(o -> crosses(p.side(), p.price(), o.price))) {
            reject(p.accountId(), RejectReason.POST_ONLY_WOULD_TAKE);
            return;
        }
        RefOrder t = new RefOrder();
        t.id = nextOrderId++;
        t.account = p.accountId();
        t.clientId = p.clientId();
        t.symbol = p.symbol();
        t.side = p.side();
        t.type = p.type();
        t.tif = p.timeInForce();
        t.postOnly = p.postOnly();
        t.stp = p.selfTradePrevention();
        t.price = p.price();
        t.quantity = p.quantity();
        t.quoteQuantity = p.quoteQuantity();
        t.locked = lock;
        t.createdAt = timestamp;
        long[] b = bal(t.account, lockAsset);
        b[0] -= lock;
        b[1] += lock;
        out.add(new EngineEvent.OrderAccepted(nextSequence++, commandId, timestamp, t.snapshot()));
        emitBalance(t.account, lockAsset);

        if (t.tif == TimeInForce.FOK) {
            ReferenceEngine trial = copy();
            RefOrder tt = t.copy();
            trial.match(trial.markets.get(t.symbol), tt);
            if (!trial.done(tt)) {
                finish(m, t, ExpireReason.FILL_OR_KILL);
                return;
            }
        }
        ExpireReason stp = match(m, t);
        if (done(t)) {
            t.status = OrderStatus.Filled;
            long leftover = t.locked;
            t.locked = 0;
            out.add(new EngineEvent.OrderFilled(nextSequence++, commandId, timestamp, t.snapshot()));
            if (leftover > 0) {
                long[] lb = bal(t.account, lockAsset);
                lb[1] -= leftover;
                lb[0] += leftover;
                emitBalance(t.account, lockAsset);
            }
        } else if (stp != null) {
            finish(m, t, stp);
        } else if (t.type == OrderType.Market || t.tif != TimeInForce.GTC) {
            finish(m, t, ExpireReason.IMMEDIATE_OR_CANCEL);
        } else {
            open.add(t);
        }
    }

    private boolean done(RefOrder t) {
        return t.byQuote() ? t.executedQuote == t.quoteQuantity : t.executed == t.quantity;
    }

    private void finish(RefMarket m, RefOrder t, ExpireReason reason) {
        String asset = t.side == Side.Bid ? m.spec.quoteAsset() : m.spec.baseAsset();
        long leftover = t.locked;
        t.locked = 0;
        t.status = OrderStatus.Expired;
        out.add(new EngineEvent.OrderExpired(nextSequence++, commandId, timestamp, t.snapshot(), reason));
        if (leftover > 0) {
            long[] b = bal(t.account, asset);
            b[1] -= leftover;
            b[0] += leftover;
            emitBalance(t.account, asset);
        }
    }

    private static boolean crosses(Side side, long limit, long makerPrice) {
        return limit == 0 || (side == Side.Bid ? makerPrice <= limit : makerPrice >= limit);
    }

    /** Open orders of a market side, best first: the naive way, sorting the whole list every time. */
    private List<RefOrder> book(String symbol, Side side) {
        Comparator<RefOrder> byPrice = Comparator.comparingLong(o -> o.price);
        return open.stream().filter(o -> o.symbol.equals(symbol) && o.side == side)
                .sorted((side == Side.Bid ? byPrice.reversed() : byPrice).thenComparingLong(o -> o.id)).toList();
    }

    private ExpireReason match(RefMarket m, RefOrder t) {
        while (true) {
            if (done(t)) {
                return null;
            }
            List<RefOrder> makers = book(t.symbol, t.side.opposite());
            if (makers.isEmpty() || !crosses(t.side, t.price, makers.get(0).price)) {
                return null;
            }
            RefOrder mk = makers.get(0);
            if (mk.account == t.account) {
                if (t.stp != SelfTradePrevention.RejectTaker) {
                    cancelOpen(m, mk, CancelReason.SELF_TRADE_PREVENTION);
                }
                if (t.stp != SelfTradePrevention.RejectMaker) {
                    return ExpireReason.SELF_TRADE_PREVENTION;
                }
                continue;
            }
            BigInteger perStep = BigInteger.valueOf(mk.price).multiply(BigInteger.valueOf(m.quotePerTickStep));
            long q = mk.quantity - mk.executed;
            if (!t.byQuote()) {
                q = Math.min(q, t.quantity - t.executed);
            } else {
                q = Math.min(q, BigInteger.valueOf(t.quoteQuantity - t.executedQuote).divide(perStep).longValueExact());
            }
            if (t.side == Side.Bid && t.type == OrderType.Market) {
                q = Math.min(q, BigInteger.valueOf(t.locked).divide(perStep).longValueExact());
            }
            if (t.side == Side.Ask) {
                q = Math.min(q, t.locked / m.basePerStep);
            }
            if (q <= 0) {
                return null;
            }
            trade(m, t, mk, q);
        }
    }

    private static long fee(long amount, int ppm) {
        BigInteger[] qr = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(ppm))
                .divideAndRemainder(BigInteger.valueOf(1_000_000));
        return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
    }

    private void trade(RefMarket m, RefOrder t, RefOrder mk, long q) {
        long quote = Math.multiplyExact(Math.multiplyExact(mk.price, q), m.quotePerTickStep);
        long base = Math.multiplyExact(q, m.basePerStep);
        String qa = m.spec.quoteAsset();
        String ba = m.spec.baseAsset();
        boolean takerBuys = t.side == Side.Bid;
        long takerFee = fee(takerBuys ? base : quote, m.spec.takerFeePpm());
        long makerFee = fee(takerBuys ? quote : base, m.spec.makerFeePpm());
        RefOrder buyer = takerBuys ? t : mk;
        RefOrder seller = takerBuys ? mk : t;
        long buyerFee = takerBuys ? takerFee : makerFee;
        long sellerFee = takerBuys ? makerFee : takerFee;
        // a limit bid releases its lock at its own limit price; everything else at the trade value
        long buyerRelease = buyer.type == OrderType.Limit ? buyer.price * q * m.quotePerTickStep : quote;

        for (RefOrder o : List.of(t, mk)) {
            o.executed += q;
            o.executedQuote += quote;
            o.status = OrderStatus.PartiallyFilled;
        }
        buyer.locked -= buyerRelease;
        seller.locked -= base;
        long[] bq = bal(buyer.account, qa);
        bq[1] -= buyerRelease;
        bq[0] += buyerRelease - quote;
        bal(buyer.account, ba)[0] += base - buyerFee;
        bal(seller.account, ba)[1] -= base;
        bal(seller.account, qa)[0] += quote - sellerFee;

        out.add(new EngineEvent.Trade(nextSequence++, commandId, timestamp, t.symbol, nextTradeId++, mk.price, q,
                quote, mk.id, mk.account, t.id, t.account, t.side, makerFee, takerBuys ? qa : ba, takerFee,
                takerBuys ? ba : qa));
        emitBalance(buyer.account, qa);
        emitBalance(buyer.account, ba);
        emitBalance(seller.account, ba);
        emitBalance(seller.account, qa);
        if (buyerFee > 0 || sellerFee > 0) {
            bal(MatchingEngine.FEE_ACCOUNT_ID, ba)[0] += buyerFee;
            bal(MatchingEngine.FEE_ACCOUNT_ID, qa)[0] += sellerFee;
            if (buyerFee > 0) {
                emitBalance(MatchingEngine.FEE_ACCOUNT_ID, ba);
            }
            if (sellerFee > 0) {
                emitBalance(MatchingEngine.FEE_ACCOUNT_ID, qa);
            }
        }
        if (mk.executed == mk.quantity) {
            open.remove(mk);
            mk.status = OrderStatus.Filled;
            out.add(new EngineEvent.OrderFilled(nextSequence++, commandId, timestamp, mk.snapshot()));
        }
    }

    private void cancelOpen(RefMarket m, RefOrder o, CancelReason reason) {
        String asset = o.side == Side.Bid ? m.spec.quoteAsset() : m.spec.baseAsset();
        open.remove(o);
        long[] b = bal(o.account, asset);
        b[1] -= o.locked;
        b[0] += o.locked;
        o.locked = 0;
        o.status = OrderStatus.Cancelled;
        out.add(new EngineEvent.OrderCancelled(nextSequence++, commandId, timestamp, o.snapshot(), reason));
        emitBalance(o.account, asset);
    }

    private void cancel(Command.CancelOrder c) {
        RefMarket m = c.symbol() == null ? null : markets.get(c.symbol());
        if (m == null) {
            reject(c.accountId(), RejectReason.INVALID_MARKET);
            return;
        }
        RefOrder found = open.stream().filter(o -> o.account == c.accountId() && o.symbol.equals(c.symbol())
                && (c.orderId() != 0 ? o.id == c.orderId() : c.clientId() >= 0 && o.clientId == c.clientId()))
                .findFirst().orElse(null);
        if (found == null) {
            reject(c.accountId(), RejectReason.ORDER_NOT_FOUND);
            return;
        }
        cancelOpen(m, found, CancelReason.REQUESTED);
    }

    private void cancelAll(Command.CancelAll c) {
        if (c.symbol() != null && !markets.containsKey(c.symbol())) {
            reject(c.accountId(), RejectReason.INVALID_MARKET);
            return;
        }
        List<RefOrder> mine = open.stream().filter(o -> o.account == c.accountId()
                && (c.symbol() == null || o.symbol.equals(c.symbol()))).sorted(Comparator.comparingLong(o -> o.id))
                .toList();
        for (RefOrder o : mine) {
            cancelOpen(markets.get(o.symbol), o, CancelReason.REQUESTED);
        }
    }

    EngineState snapshot() {
        List<EngineState.AssetState> a = new ArrayList<>();
        assets.forEach((k, v) -> a.add(new EngineState.AssetState(k, v)));
        List<EngineState.MarketState> ms = new ArrayList<>();
        markets.forEach((symbol, m) -> ms.add(new EngineState.MarketState(m.spec, m.status, m.depthUpdateId,
                book(symbol, Side.Bid).stream().map(RefOrder::snapshot).toList(),
                book(symbol, Side.Ask).stream().map(RefOrder::snapshot).toList())));
        List<EngineState.BalanceState> bs = new ArrayList<>();
        balances.forEach((acct, map) -> {
            for (String asset : assets.keySet()) {
                long[] v = map.get(asset);
                if (v != null && (v[0] != 0 || v[1] != 0)) {
                    bs.add(new EngineState.BalanceState(acct, asset, v[0], v[1]));
                }
            }
        });
        return new EngineState(a, ms, bs, nextOrderId, nextTradeId, nextSequence, lastCommandId);
    }
}
