package exchange.common.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import exchange.common.book.Order;
import exchange.common.book.OrderBook;
import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.collect.LongObjectMap;
import exchange.common.money.AmountException;
import exchange.common.money.FixedPoint;

/**
 * Deterministic price-time matching engine with balances and fees for any number of spot markets.
 *
 * <p>Apply {@link Command}s one at a time with {@link #apply}; the engine reports what happened to its
 * {@link EngineListener} (normally an {@link EventRecorder}, which yields immutable {@link EngineEvent}s).
 * The same command sequence always yields the same events and state: the engine reads no clock and no
 * random source, and ids come from counters in its state (order ids, trade ids and event sequence numbers
 * all start at 1). {@link #snapshot()} captures the state a database would hold; {@link #restore} rebuilds
 * an engine that continues exactly like the original.
 *
 * <p>Not thread-safe: exactly one thread owns an engine. {@code apply} does not allocate in the steady
 * state (orders and price levels are pooled, lookups use primitive maps), except in the listener.
 */
public final class MatchingEngine {

    /** The account that collects all fees. It may deposit and withdraw but not trade. */
    public static final long FEE_ACCOUNT_ID = 0;

    private static final long MAX_CLIENT_ID = 0xFFFF_FFFFL;
    private static final long PPM = 1_000_000;
    private static final Pattern NAME = Pattern.compile("[A-Z0-9]{1,32}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,32}_[A-Z0-9]{1,32}");

    private final EngineListener listener;
    private final List<Asset> assets = new ArrayList<>();
    private final Map<String, Asset> assetsByName = new HashMap<>();
    private final List<Market> markets = new ArrayList<>();
    private final Map<String, Market> marketsBySymbol = new HashMap<>();
    private final LongObjectMap<Account> accounts = new LongObjectMap<>(1024);
    private final LongObjectMap<Order> openOrders = new LongObjectMap<>(4096);

    private long nextOrderId = 1;
    private long nextTradeId = 1;
    private long nextSequence = 1;
    private long lastCommandId;
    private long now;

    private Order[] pool = new Order[256];
    private int pooled;
    private Market[] dirtyMarkets = new Market[8];
    private int dirtyCount;
    private long[] depthBidQuantities = new long[16];
    private long[] depthAskQuantities = new long[16];
    private long[] cancelScratch = new long[64];

    /**
     * Creates an empty engine: no assets, no markets, no accounts.
     *
     * @param listener receives all output; called on the engine thread
     */
    public MatchingEngine(EngineListener listener) {
        this.listener = listener;
    }

    /**
     * Rebuilds an engine from a snapshot. No events are emitted; the next event gets
     * {@code state.nextSequence()}.
     *
     * @param state a snapshot taken by {@link #snapshot()} (or loaded from a database)
     * @param listener receives all further output
     * @return an engine that continues exactly like the one the snapshot was taken from
     * @throws IllegalArgumentException if the state is inconsistent (unknown asset, invalid market)
     */
    public static MatchingEngine restore(EngineState state, EngineListener listener) {
        MatchingEngine engine = new MatchingEngine(listener);
        for (EngineState.AssetState a : state.assets()) {
            engine.addAsset(a.asset(), a.decimals());
        }
        for (EngineState.BalanceState b : state.balances()) {
            Asset asset = engine.requireAsset(b.asset());
            Account account = engine.account(b.accountId());
            account.available[asset.index()] = b.available();
            account.locked[asset.index()] = b.locked();
        }
        for (EngineState.MarketState ms : state.markets()) {
            Market m = engine.buildMarket(ms.spec());
            if (m == null) {
                throw new IllegalArgumentException("invalid market in state: " + ms.spec());
            }
            engine.markets.add(m);
            engine.marketsBySymbol.put(m.symbol, m);
            m.status = ms.status();
            m.depthUpdateId = ms.depthUpdateId();
            for (List<OrderSnapshot> side : List.of(ms.bids(), ms.asks())) {
                for (OrderSnapshot s : side) {
                    Order o = engine.newOrder().init(s.orderId(), s.accountId(), s.clientId(), m.symbol, s.side(),
                            s.type(), s.timeInForce(), s.postOnly(), s.selfTradePrevention(), s.price(),
                            s.quantity(), s.quoteQuantity(), s.locked(), s.createdAt());
                    o.restoreProgress(s.executedQuantity(), s.executedQuoteQuantity(), s.status());
                    m.book.add(o);
                    engine.register(o);
                }
            }
        }
        engine.nextOrderId = state.nextOrderId();
        engine.nextTradeId = state.nextTradeId();
        engine.nextSequence = state.nextSequence();
        engine.lastCommandId = state.lastCommandId();
        return engine;
    }

    /**
     * Applies one command and reports its events to the listener, between
     * {@code commandStarted}/{@code commandFinished}. A refused command yields exactly one
     * {@link EngineEvent.Rejected} and changes nothing else (the order id counter included).
     *
     * @param command the next command; commandId and timestamp are taken as given
     */
    public void apply(Command command) {
        lastCommandId = command.commandId();
        now = command.timestamp();
        listener.commandStarted(command.commandId(), now);
        switch (command) {
            case Command.PlaceOrder p -> place(p);
            case Command.CancelOrder c -> cancel(c);
            case Command.CancelAll c -> cancelAll(c);
            case Command.Deposit d -> deposit(d);
            case Command.Withdraw w -> withdraw(w);
            case Command.CreateAsset a -> createAsset(a);
            case Command.CreateMarket c -> createMarket(c);
            case Command.SetMarketStatus s -> setMarketStatus(s);
        }
        flushDepth();
        listener.commandFinished();
    }

    /**
     * Captures the current state; allocates (a full copy). Equal engines give equal snapshots.
     *
     * @return an immutable snapshot
     */
    public EngineState snapshot() {
        List<EngineState.AssetState> assetStates = new ArrayList<>();
        for (Asset a : assets) {
            assetStates.add(new EngineState.AssetState(a.name(), a.decimals()));
        }
        List<EngineState.MarketState> marketStates = new ArrayList<>();
        for (Market m : markets) {
            marketStates.add(new EngineState.MarketState(m.spec, m.status, m.depthUpdateId, ordersOf(m.book, Side.Bid),
                    ordersOf(m.book, Side.Ask)));
        }
        long[] ids = new long[accounts.size()];
        int[] n = {0};
        accounts.forEach((id, a) -> ids[n[0]++] = id);
        Arrays.sort(ids);
        List<EngineState.BalanceState> balances = new ArrayList<>();
        for (long id : ids) {
            Account a = accounts.get(id);
            for (Asset asset : assets) {
                long av = a.available[asset.index()];
                long lk = a.locked[asset.index()];
                if (av != 0 || lk != 0) {
                    balances.add(new EngineState.BalanceState(id, asset.name(), av, lk));
                }
            }
        }
        return new EngineState(assetStates, marketStates, balances, nextOrderId, nextTradeId, nextSequence,
                lastCommandId);
    }

    private static List<OrderSnapshot> ordersOf(OrderBook book, Side side) {
        List<OrderSnapshot> out = new ArrayList<>();
        for (Order o = book.first(side); o != null; o = book.next(o)) {
            out.add(OrderSnapshot.of(o));
        }
        return out;
    }


    private void place(Command.PlaceOrder p) {
        long accountId = p.accountId();
        Market m = p.symbol() == null ? null : marketsBySymbol.get(p.symbol());
        RejectReason invalid = validate(p, m);
        if (invalid != null) {
            reject(accountId, invalid);
            return;
        }
        Account account = accounts.get(accountId);
        if (p.clientId() != Order.NO_CLIENT_ID && account != null && account.openByClientId.get(p.clientId()) != null) {
            reject(accountId, RejectReason.DUPLICATE_CLIENT_ID);
            return;
        }
        Asset lockAsset = p.side() == Side.Bid ? m.quote : m.base;
        long available = account == null ? 0 : account.available[lockAsset.index()];
        long lock = lockAmount(p, m, available);
        if (lock <= 0 || lock > available) {
            reject(accountId, RejectReason.INSUFFICIENT_FUNDS);
            return;
        }
        if (p.postOnly() && crossesBest(m, p.side(), p.price())) {
            reject(accountId, RejectReason.POST_ONLY_WOULD_TAKE);
            return;
        }
        Order taker = newOrder().init(nextOrderId++, accountId, p.clientId(), m.symbol, p.side(), p.type(),
                p.timeInForce(), p.postOnly(), p.selfTradePrevention(), p.price(), p.quantity(), p.quoteQuantity(),
                lock, now);
        int li = lockAsset.index();
        account.available[li] -= lock;
        account.locked[li] += lock;
        listener.orderAccepted(nextSequence++, taker);
        emitBalance(account, lockAsset);

        if (p.timeInForce() == TimeInForce.FOK && !canFillCompletely(m, taker)) {
            expire(m, account, taker, ExpireReason.FILL_OR_KILL);
            return;
        }
        ExpireReason stpExpiry = match(m, taker);
        boolean done = taker.quantity() > 0 ? taker.remaining() == 0 : taker.remainingQuote() == 0;
        if (done) {
            taker.setStatus(OrderStatus.Filled);
            long leftover = taker.locked();
            taker.setLocked(0);
            listener.orderFilled(nextSequence++, taker);
            if (leftover > 0) {
                account.locked[li] -= leftover;
                account.available[li] += leftover;
                emitBalance(account, lockAsset);
            }
            recycle(taker);
        } else if (stpExpiry != null) {
            expire(m, account, taker, stpExpiry);
        } else if (taker.type() == OrderType.Market || taker.timeInForce() != TimeInForce.GTC) {
            expire(m, account, taker, ExpireReason.IMMEDIATE_OR_CANCEL);
        } else {
            m.book.add(taker);
            register(taker);
            markDepth(m, taker.side(), taker.price());
        }
    }

    /** @return why the order is malformed, or null; checks in a fixed order so the reason is deterministic */
    private RejectReason validate(Command.PlaceOrder p, Market m) {
        if (m == null) {
            return RejectReason.INVALID_MARKET;
        }
        if (p.accountId() < 0 || p.accountId() == FEE_ACCOUNT_ID) {
            return RejectReason.INVALID_ACCOUNT;
        }
        if (m.status == MarketStatus.Halted) {
            return RejectReason.MARKET_HALTED;
        }
        if (p.side() == null || p.type() == null) {
            return RejectReason.INVALID_ORDER;
        }
        if (p.clientId() != Order.NO_CLIENT_ID && (p.clientId() < 0 || p.clientId() > MAX_CLIENT_ID)) {
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
            if (!fits(p.price(), p.quantity(), m.quotePerTickStep) || !fits(p.quantity(), m.basePerStep, 1)) {
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
        boolean byQuantity = p.quantity() > 0;
        boolean byQuote = p.quoteQuantity() > 0;
        if (p.quantity() < 0 || p.quoteQuantity() < 0 || byQuantity == byQuote) {
            return byQuantity ? RejectReason.INVALID_ORDER : RejectReason.INVALID_QUANTITY;
        }
        if (byQuote && p.timeInForce() == TimeInForce.FOK) {
            return RejectReason.INVALID_ORDER;
        }
        if (byQuantity) {
            if (p.quantity() < m.minQuantity) {
                return RejectReason.QUANTITY_BELOW_MINIMUM;
            }
            if (!fits(p.quantity(), m.basePerStep, 1)) {
                return RejectReason.INVALID_QUANTITY;
            }
        }
        return null;
    }

    private static boolean fits(long a, long b, long c) {
        return Math.multiplyHigh(a, b) == 0 && a * b >= 0 && Math.multiplyHigh(a * b, c) == 0 && a * b * c >= 0;
    }

    /**
     * Funds to lock: limit bids the full notional at the limit price, asks the base quantity, market
     * bids by quote their quote quantity; market orders whose cost is unknown up front (bid by quantity,
     * ask by quote) lock the whole available balance and release the rest when done.
     */
    private static long lockAmount(Command.PlaceOrder p, Market m, long available) {
        if (p.side() == Side.Bid) {
            if (p.type() == OrderType.Limit) {
                return p.price() * p.quantity() * m.quotePerTickStep;
            }
            return p.quoteQuantity() > 0 ? p.quoteQuantity() : available;
        }
        return p.quantity() > 0 ? p.quantity() * m.basePerStep : available;
    }

    private static boolean crossesBest(Market m, Side side, long price) {
        long best = m.book.bestPrice(side.opposite());
        return best != OrderBook.NO_PRICE && crosses(side, price, best);
    }

    /** @return whether a taker on side with limit price (0 = market) may trade at makerPrice */
    private static boolean crosses(Side side, long price, long makerPrice) {
        if (price == 0) {
            return true;
        }
        return side == Side.Bid ? makerPrice <= price : makerPrice >= price;
    }

    /** @return the largest fill against a maker at price, bounded by both quantities and the taker's funds */
    private static long maxFill(Market m, Order taker, long price, long makerRemaining, long takerRemaining,
            long takerRemainingQuote, long takerLocked) {
        long q = Math.min(makerRemaining, takerRemaining);
        long perStep = price * m.quotePerTickStep;
        if (takerRemainingQuote != Long.MAX_VALUE) {
            q = Math.min(q, takerRemainingQuote / perStep);
        }
        if (taker.side() == Side.Bid) {
            if (taker.type() == OrderType.Market) {
                q = Math.min(q, takerLocked / perStep);
            }
        } else {
            q = Math.min(q, takerLocked / m.basePerStep);
        }
        return q;
    }

    /** FOK pre-check: walks the book as {@link #match} would, without mutating anything. */
    private boolean canFillCompletely(Market m, Order taker) {
        long remaining = taker.remaining();
        long remainingQuote = taker.remainingQuote();
        long locked = taker.locked();
        for (Order maker = m.book.first(taker.side().opposite()); maker != null; maker = m.book.next(maker)) {
            if (!crosses(taker.side(), taker.price(), maker.price())) {
                break;
            }
            if (maker.accountId() == taker.accountId()) {
                if (taker.selfTradePrevention() == SelfTradePrevention.RejectMaker) {
                    continue;
                }
                break;
            }
            long q = maxFill(m, taker, maker.price(), maker.remaining(), remaining, remainingQuote, locked);
            if (q == 0) {
                break;
            }
            long quote = maker.price() * q * m.quotePerTickStep;
            if (remaining != Long.MAX_VALUE) {
                remaining -= q;
            }
            if (remainingQuote != Long.MAX_VALUE) {
                remainingQuote -= quote;
            }
            locked -= lockReleased(m, taker, q, quote);
            if (remaining == 0 || remainingQuote == 0 || q < maker.remaining()) {
                break;
            }
        }
        return taker.quantity() > 0 ? remaining == 0 : remainingQuote == 0;
    }

    /** @return how much of the taker's lock a fill of q steps worth quote consumes */
    private static long lockReleased(Market m, Order taker, long q, long quote) {
        if (taker.side() == Side.Ask) {
            return q * m.basePerStep;
        }
        return taker.type() == OrderType.Limit ? taker.price() * q * m.quotePerTickStep : quote;
    }

    /** @return the expiry reason if self-trade prevention ended the taker, else null */
    private ExpireReason match(Market m, Order taker) {
        Side makerSide = taker.side().opposite();
        while (taker.remaining() > 0 && taker.remainingQuote() > 0) {
            Order maker = m.book.first(makerSide);
            if (maker == null || !crosses(taker.side(), taker.price(), maker.price())) {
                break;
            }
            if (maker.accountId() == taker.accountId()) {
                SelfTradePrevention stp = taker.selfTradePrevention();
                if (stp != SelfTradePrevention.RejectTaker) {
                    cancelOpen(m, maker, CancelReason.SELF_TRADE_PREVENTION);
                }
                if (stp != SelfTradePrevention.RejectMaker) {
                    return ExpireReason.SELF_TRADE_PREVENTION;
                }
                continue;
            }
            long q = maxFill(m, taker, maker.price(), maker.remaining(), taker.remaining(), taker.remainingQuote(),
                    taker.locked());
            if (q == 0) {
                break;
            }
            fill(m, taker, maker, q);
        }
        return null;
    }

    private void fill(Market m, Order taker, Order maker, long q) {
        long price = maker.price();
        long quote = price * q * m.quotePerTickStep;
        long base = q * m.basePerStep;
        boolean takerBuys = taker.side() == Side.Bid;
        long takerFee = fee(takerBuys ? base : quote, m.takerFeePpm);
        long makerFee = fee(takerBuys ? quote : base, m.makerFeePpm);
        long takerRelease = lockReleased(m, taker, q, quote);

        maker.execute(q, quote);
        m.book.reduce(maker, q);
        maker.setLocked(maker.locked() - (takerBuys ? base : quote));
        taker.execute(q, quote);
        taker.setLocked(taker.locked() - takerRelease);
        markDepth(m, maker.side(), price);

        Account takerAccount = accounts.get(taker.accountId());
        Account makerAccount = accounts.get(maker.accountId());
        Account buyer = takerBuys ? takerAccount : makerAccount;
        Account seller = takerBuys ? makerAccount : takerAccount;
        long buyerFee = takerBuys ? takerFee : makerFee;
        long sellerFee = takerBuys ? makerFee : takerFee;
        long buyerRelease = takerBuys ? takerRelease : quote;
        int qi = m.quote.index();
        int bi = m.base.index();
        buyer.locked[qi] -= buyerRelease;
        buyer.available[qi] += buyerRelease - quote;
        buyer.available[bi] += base - buyerFee;
        seller.locked[bi] -= base;
        seller.available[qi] += quote - sellerFee;

        listener.trade(nextSequence++, m.symbol, nextTradeId++, price, q, quote, maker, taker, taker.side(), makerFee,
                takerBuys ? m.quote.name() : m.base.name(), takerFee, takerBuys ? m.base.name() : m.quote.name());
        emitBalance(buyer, m.quote);
        emitBalance(buyer, m.base);
        emitBalance(seller, m.base);
        emitBalance(seller, m.quote);
        if (buyerFee > 0 || sellerFee > 0) {
            Account fees = account(FEE_ACCOUNT_ID);
            fees.available[bi] += buyerFee;
            fees.available[qi] += sellerFee;
            if (buyerFee > 0) {
                emitBalance(fees, m.base);
            }
            if (sellerFee > 0) {
                emitBalance(fees, m.quote);
            }
        }
        if (maker.remaining() == 0) {
            m.book.remove(maker);
            unregister(maker);
            maker.setStatus(OrderStatus.Filled);
            listener.orderFilled(nextSequence++, maker);
            recycle(maker);
        }
    }

    /**
     * Fee in parts per million of the received amount, rounded up to the smallest unit (the exchange
     * never under-collects); never more than the amount because rates are at most 100%.
     */
    static long fee(long amount, int ppm) {
        long whole = amount / PPM * ppm;
        long rest = amount % PPM * ppm;
        return whole + (rest + PPM - 1) / PPM;
    }

    private void expire(Market m, Account account, Order order, ExpireReason reason) {
        Asset asset = order.side() == Side.Bid ? m.quote : m.base;
        long leftover = order.locked();
        order.setLocked(0);
        order.setStatus(OrderStatus.Expired);
        listener.orderExpired(nextSequence++, order, reason);
        if (leftover > 0) {
            account.locked[asset.index()] -= leftover;
            account.available[asset.index()] += leftover;
            emitBalance(account, asset);
        }
        recycle(order);
    }

    private void cancelOpen(Market m, Order order, CancelReason reason) {
        Account account = accounts.get(order.accountId());
        Asset asset = order.side() == Side.Bid ? m.quote : m.base;
        m.book.remove(order);
        unregister(order);
        markDepth(m, order.side(), order.price());
        long leftover = order.locked();
        order.setLocked(0);
        order.setStatus(OrderStatus.Cancelled);
        account.locked[asset.index()] -= leftover;
        account.available[asset.index()] += leftover;
        listener.orderCancelled(nextSequence++, order, reason);
        emitBalance(account, asset);
        recycle(order);
    }

    private void cancel(Command.CancelOrder c) {
        Market m = c.symbol() == null ? null : marketsBySymbol.get(c.symbol());
        if (m == null) {
            reject(c.accountId(), RejectReason.INVALID_MARKET);
            return;
        }
        Account account = accounts.get(c.accountId());
        Order order = null;
        if (account != null) {
            order = c.orderId() != 0 ? account.openOrders.get(c.orderId())
                    : c.clientId() >= 0 ? account.openByClientId.get(c.clientId()) : null;
        }
        if (order == null || !order.symbol().equals(m.symbol)) {
            reject(c.accountId(), RejectReason.ORDER_NOT_FOUND);
            return;
        }
        cancelOpen(m, order, CancelReason.REQUESTED);
    }

    private void cancelAll(Command.CancelAll c) {
        Market only = null;
        if (c.symbol() != null) {
            only = marketsBySymbol.get(c.symbol());
            if (only == null) {
                reject(c.accountId(), RejectReason.INVALID_MARKET);
                return;
            }
        }
        Account account = accounts.get(c.accountId());
        if (account == null || account.openOrders.size() == 0) {
            return;
        }
        if (cancelScratch.length < account.openOrders.size()) {
            cancelScratch = new long[account.openOrders.size() * 2];
        }
        int[] n = {0};
        String symbol = only == null ? null : only.symbol;
        long[] ids = cancelScratch;
        account.openOrders.forEach((id, o) -> {
            if (symbol == null || symbol.equals(o.symbol())) {
                ids[n[0]++] = id;
            }
        });
        Arrays.sort(ids, 0, n[0]);
        for (int i = 0; i < n[0]; i++) {
            Order o = account.openOrders.get(ids[i]);
            cancelOpen(marketsBySymbol.get(o.symbol()), o, CancelReason.REQUESTED);
        }
    }

    private void register(Order o) {
        openOrders.put(o.orderId(), o);
        Account a = account(o.accountId());
        a.openOrders.put(o.orderId(), o);
        if (o.clientId() != Order.NO_CLIENT_ID) {
            a.openByClientId.put(o.clientId(), o);
        }
    }

    private void unregister(Order o) {
        openOrders.remove(o.orderId());
        Account a = accounts.get(o.accountId());
        a.openOrders.remove(o.orderId());
        if (o.clientId() != Order.NO_CLIENT_ID) {
            a.openByClientId.remove(o.clientId());
        }
    }

    private Order newOrder() {
        return pooled == 0 ? new Order() : pool[--pooled];
    }

    private void recycle(Order o) {
        if (pooled == pool.length) {
            pool = Arrays.copyOf(pool, pool.length * 2);
        }
        pool[pooled++] = o;
    }


    private void deposit(Command.Deposit d) {
        Asset asset = d.asset() == null ? null : assetsByName.get(d.asset());
        if (d.accountId() < 0) {
            reject(d.accountId(), RejectReason.INVALID_ACCOUNT);
        } else if (asset == null) {
            reject(d.accountId(), RejectReason.INVALID_ASSET);
        } else if (d.amount() <= 0) {
            reject(d.accountId(), RejectReason.INVALID_AMOUNT);
        } else {
            Account existing = accounts.get(d.accountId());
            long current = existing == null ? 0 : existing.available[asset.index()];
            long currentLocked = existing == null ? 0 : existing.locked[asset.index()];
            if (current > Long.MAX_VALUE - d.amount() || currentLocked > Long.MAX_VALUE - d.amount() - current) {
                reject(d.accountId(), RejectReason.INVALID_AMOUNT);
                return;
            }
            Account a = account(d.accountId());
            a.available[asset.index()] += d.amount();
            emitBalance(a, asset);
        }
    }

    private void withdraw(Command.Withdraw w) {
        Asset asset = w.asset() == null ? null : assetsByName.get(w.asset());
        if (w.accountId() < 0) {
            reject(w.accountId(), RejectReason.INVALID_ACCOUNT);
        } else if (asset == null) {
            reject(w.accountId(), RejectReason.INVALID_ASSET);
        } else if (w.amount() <= 0) {
            reject(w.accountId(), RejectReason.INVALID_AMOUNT);
        } else {
            Account a = accounts.get(w.accountId());
            if (a == null || a.available[asset.index()] < w.amount()) {
                reject(w.accountId(), RejectReason.INSUFFICIENT_FUNDS);
                return;
            }
            a.available[asset.index()] -= w.amount();
            emitBalance(a, asset);
        }
    }

    private Account account(long id) {
        Account a = accounts.get(id);
        if (a == null) {
            a = new Account(id, assets.size());
            accounts.put(id, a);
        }
        return a;
    }

    private void emitBalance(Account a, Asset asset) {
        listener.balanceChanged(nextSequence++, a.id, asset.name(), a.available[asset.index()],
                a.locked[asset.index()]);
    }

    private void reject(long accountId, RejectReason reason) {
        listener.rejected(nextSequence++, accountId, reason);
    }


    private void createAsset(Command.CreateAsset c) {
        if (c.asset() == null || !NAME.matcher(c.asset()).matches() || assetsByName.containsKey(c.asset())
                || c.decimals() < 0 || c.decimals() > FixedPoint.MAX_DECIMALS) {
            reject(-1, RejectReason.INVALID_ASSET_SPEC);
            return;
        }
        addAsset(c.asset(), c.decimals());
        listener.assetCreated(nextSequence++, c.asset(), c.decimals());
    }

    private void addAsset(String name, int decimals) {
        Asset asset = new Asset(name, decimals, assets.size());
        assets.add(asset);
        assetsByName.put(name, asset);
        int count = assets.size();
        accounts.forEach((id, a) -> a.ensureAssets(count));
    }

    private Asset requireAsset(String name) {
        Asset a = assetsByName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown asset: " + name);
        }
        return a;
    }

    private void createMarket(Command.CreateMarket c) {
        Market m = c.spec() == null || marketsBySymbol.containsKey(c.spec().symbol()) ? null : buildMarket(c.spec());
        if (m == null) {
            reject(-1, RejectReason.INVALID_MARKET_SPEC);
            return;
        }
        markets.add(m);
        marketsBySymbol.put(m.symbol, m);
        listener.marketCreated(nextSequence++, m.spec);
    }

    /** @return the market, or null if the spec is invalid (see {@link MarketSpec}) */
    private Market buildMarket(MarketSpec spec) {
        if (spec.symbol() == null || !SYMBOL.matcher(spec.symbol()).matches()) {
            return null;
        }
        Asset base = spec.baseAsset() == null ? null : assetsByName.get(spec.baseAsset());
        Asset quote = spec.quoteAsset() == null ? null : assetsByName.get(spec.quoteAsset());
        if (base == null || quote == null || base == quote) {
            return null;
        }
        if (spec.makerFeePpm() < 0 || spec.makerFeePpm() > PPM || spec.takerFeePpm() < 0 || spec.takerFeePpm() > PPM) {
            return null;
        }
        try {
            long tickQuoteUnits = FixedPoint.parseUnits(spec.tickSize(), quote.decimals());
            long stepBaseUnits = FixedPoint.parseUnits(spec.stepSize(), base.decimals());
            // tick * step in quote units = tickQuoteUnits * stepBaseUnits / 10^baseDecimals, must be whole.
            long scaled = Math.multiplyExact(tickQuoteUnits, stepBaseUnits);
            long baseScale = FixedPoint.pow10(base.decimals());
            if (scaled % baseScale != 0) {
                return null;
            }
            long quotePerTickStep = scaled / baseScale;
            long minQuantity = FixedPoint.parseGrid(spec.minQuantity(), base.decimals(), stepBaseUnits);
            return new Market(spec, markets.size(), base, quote, quotePerTickStep, stepBaseUnits, minQuantity);
        } catch (AmountException | ArithmeticException e) {
            return null;
        }
    }

    private void setMarketStatus(Command.SetMarketStatus s) {
        Market m = s.symbol() == null ? null : marketsBySymbol.get(s.symbol());
        if (m == null || s.status() == null) {
            reject(-1, RejectReason.INVALID_MARKET);
            return;
        }
        m.status = s.status();
        listener.marketStatusChanged(nextSequence++, m.symbol, m.status);
    }


    private void markDepth(Market m, Side side, long price) {
        if (!m.depthDirty) {
            m.depthDirty = true;
            if (dirtyCount == dirtyMarkets.length) {
                dirtyMarkets = Arrays.copyOf(dirtyMarkets, dirtyCount * 2);
            }
            dirtyMarkets[dirtyCount++] = m;
        }
        if (side == Side.Bid) {
            for (int i = 0; i < m.changedBidCount; i++) {
                if (m.changedBids[i] == price) {
                    return;
                }
            }
            if (m.changedBidCount == m.changedBids.length) {
                m.changedBids = Arrays.copyOf(m.changedBids, m.changedBidCount * 2);
            }
            m.changedBids[m.changedBidCount++] = price;
        } else {
            for (int i = 0; i < m.changedAskCount; i++) {
                if (m.changedAsks[i] == price) {
                    return;
                }
            }
            if (m.changedAskCount == m.changedAsks.length) {
                m.changedAsks = Arrays.copyOf(m.changedAsks, m.changedAskCount * 2);
            }
            m.changedAsks[m.changedAskCount++] = price;
        }
    }

    private void flushDepth() {
        if (dirtyCount > 1) {
            // Several markets only on cancel-all: publish in market creation order, independent of touch order.
            Arrays.sort(dirtyMarkets, 0, dirtyCount, (a, b) -> Integer.compare(a.index, b.index));
        }
        for (int i = 0; i < dirtyCount; i++) {
            Market m = dirtyMarkets[i];
            dirtyMarkets[i] = null;
            sort(m.changedBids, m.changedBidCount, true);
            sort(m.changedAsks, m.changedAskCount, false);
            if (depthBidQuantities.length < m.changedBidCount) {
                depthBidQuantities = new long[m.changedBids.length];
            }
            if (depthAskQuantities.length < m.changedAskCount) {
                depthAskQuantities = new long[m.changedAsks.length];
            }
            for (int j = 0; j < m.changedBidCount; j++) {
                depthBidQuantities[j] = m.book.levelQuantity(Side.Bid, m.changedBids[j]);
            }
            for (int j = 0; j < m.changedAskCount; j++) {
                depthAskQuantities[j] = m.book.levelQuantity(Side.Ask, m.changedAsks[j]);
            }
            listener.depthChanged(nextSequence++, m.symbol, ++m.depthUpdateId, m.changedBids, depthBidQuantities,
                    m.changedBidCount, m.changedAsks, depthAskQuantities, m.changedAskCount);
            m.depthDirty = false;
            m.changedBidCount = 0;
            m.changedAskCount = 0;
        }
        dirtyCount = 0;
    }

    /** Insertion sort: the arrays hold a handful of prices, so this beats anything fancier. */
    private static void sort(long[] a, int n, boolean descending) {
        for (int i = 1; i < n; i++) {
            long v = a[i];
            int j = i - 1;
            while (j >= 0 && (descending ? a[j] < v : a[j] > v)) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }
}
