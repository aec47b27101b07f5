package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.EngineState;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.OrderSnapshot;
import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.marketdata.KlineInterval;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a batch commit writes, read back the way a new leader reads it: rows, units, nulls, timestamps to the
 * microsecond, and nothing at all when the lease is lost. No engine runs here; the test holds the lease itself.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(properties = "exchange.engine.enabled=false")
class EngineStoreIT {

    private static final long T0 = 1_764_600_000_123_456L;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    EngineStore store;

    @Autowired
    JdbcClient jdbc;

    private LeaderLease lease;
    private long epoch;
    private long alice;
    private long bob;

    @BeforeEach
    void holdTheLease() {
        jdbc.sql("UPDATE engine_lease SET lease_until = '-infinity'").update();
        lease = new LeaderLease(jdbc, "store-test", Duration.ofSeconds(30));
        epoch = lease.tryAcquire().orElseThrow();
        alice = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        bob = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'alice'), (?, 'bob')").params(alice, bob).update();
    }

    @Test
    void aCommittedBatchReadsBackExactly() {
        String base = "B" + alice;
        String symbol = base + "_Q" + alice;
        String quote = "Q" + alice;
        MarketSpec spec = new MarketSpec(symbol, base, quote, "0.01", "0.001", "0.001", 1_000, 2_500);
        MarketUnits units = MarketUnits.of(spec, 9, 6, false);
        Map<String, MarketUnits> markets = Map.of(symbol, units);
        Map<String, Integer> decimals = Map.of(base, 9, quote, 6);

        // Batch one creates the market (the transaction path) and leaves a bid resting and an ask filled.
        Batch first = batch("10-0", 1);
        first.assets.add(new EngineEvent.AssetCreated(1, 1, T0, base, 9));
        first.assets.add(new EngineEvent.AssetCreated(2, 1, T0, quote, 6));
        first.markets.add(spec);
        OrderSnapshot bid = new OrderSnapshot(101, alice, 7, symbol, Side.Bid, OrderType.Limit, TimeInForce.GTC,
                true, SelfTradePrevention.RejectMaker, 1_234, 5_000, 0, 1_000, 12_340_000, 49_360_000,
                OrderStatus.PartiallyFilled, T0);
        OrderSnapshot market = new OrderSnapshot(102, bob, StreamCommand.NO_CLIENT_ID, symbol, Side.Ask,
                OrderType.Market, TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, 0, 1_000, 0, 1_000,
                12_340_000, 0, OrderStatus.Filled, T0 + 1);
        first.order(bid, T0 + 1);
        first.order(market, T0 + 1);
        first.trades.add(new EngineEvent.Trade(3, 2, T0 + 1, symbol, 501, 1_234, 1_000, 12_340_000, 101, alice, 102,
                bob, Side.Ask, 1_000_000, base, 30_850, quote));
        first.balances.put(alice + base, new EngineEvent.BalanceChanged(4, 2, T0 + 1, alice, base, 999_000_000, 0));
        first.balances.put(alice + quote, new EngineEvent.BalanceChanged(5, 2, T0 + 1, alice, quote, 1, 49_360_000));
        first.balances.put(bob + quote, new EngineEvent.BalanceChanged(6, 2, T0 + 1, bob, quote, 12_309_150, 0));
        first.ledger.add(new Batch.LedgerRow(alice, quote, "Deposit", 61_700_001, "pay \"1\" \\ \u00e9\u4e2d", T0));
        first.depthUpdateIds.put(symbol, 17L);
        store.commit(lease, epoch, first, markets, decimals);

        // Batch two, the one-statement path: the bid is cancelled, its funds released.
        Batch second = batch("11-0", 2);
        second.order(new OrderSnapshot(101, alice, 7, symbol, Side.Bid, OrderType.Limit, TimeInForce.GTC, true,
                SelfTradePrevention.RejectMaker, 1_234, 5_000, 0, 1_000, 12_340_000, 0, OrderStatus.Cancelled, T0),
                T0 + 999_999);
        second.balances.put(alice + quote, new EngineEvent.BalanceChanged(7, 3, T0 + 2, alice, quote, 49_360_001, 0));
        second.depthUpdateIds.put(symbol, 18L);
        store.commit(lease, epoch, second, markets, decimals);

        assertThat(jdbc.sql("""
                SELECT client_id, price, quantity, quote_quantity, executed_quantity, executed_quote_quantity, status,
                       locked, priority, created_at, updated_at, post_only, self_trade_prevention
                FROM orders WHERE id = 101""").query().singleRow())
                .containsEntry("client_id", 7L)
                .containsEntry("price", new BigDecimal("12.340000"))
                .containsEntry("quantity", new BigDecimal("5.000000000"))
                .containsEntry("quote_quantity", null)
                .containsEntry("executed_quantity", new BigDecimal("1.000000000"))
                .containsEntry("executed_quote_quantity", new BigDecimal("12.340000"))
                .containsEntry("status", "Cancelled")
                .containsEntry("locked", 0L)
                .containsEntry("priority", 101L)
                .containsEntry("created_at", EngineStore.timestamp(T0))
                .containsEntry("updated_at", EngineStore.timestamp(T0 + 999_999))
                .containsEntry("post_only", true)
                .containsEntry("self_trade_prevention", "RejectMaker");
        assertThat(jdbc.sql("SELECT client_id, price, order_type FROM orders WHERE id = 102").query().singleRow())
                .containsEntry("client_id", null).containsEntry("price", null).containsEntry("order_type", "Market");
        assertThat(jdbc.sql("""
                SELECT price, quantity, quote_quantity, maker_fee, maker_fee_asset, taker_fee, created_at
                FROM trade WHERE id = 501""").query().singleRow())
                .containsEntry("price", new BigDecimal("12.340000"))
                .containsEntry("quantity", new BigDecimal("1.000000000"))
                .containsEntry("quote_quantity", new BigDecimal("12.340000"))
                .containsEntry("maker_fee", new BigDecimal("0.001000000"))
                .containsEntry("maker_fee_asset", base)
                .containsEntry("taker_fee", new BigDecimal("0.030850"))
                .containsEntry("created_at", EngineStore.timestamp(T0 + 1));
        assertThat(jdbc.sql("SELECT minute, trades, volume, quote_volume, high, low, first_id, last_id FROM trade_minute "
                + "WHERE symbol = ?").param(symbol).query().singleRow())
                .as("the batch statement's trades reach the ticker's minute sums (trigger, V6)")
                .containsEntry("minute", Math.floorDiv(T0 + 1, 60_000_000L))
                .containsEntry("trades", 1L)
                .containsEntry("volume", new BigDecimal("1.000000000"))
                .containsEntry("quote_volume", new BigDecimal("12.340000"))
                .containsEntry("high", new BigDecimal("12.340000"))
                .containsEntry("low", new BigDecimal("12.340000"))
                .containsEntry("first_id", 501L)
                .containsEntry("last_id", 501L);
        assertThat(jdbc.sql("SELECT external_id, amount, created_at FROM ledger_entry WHERE account_id = ?")
                .param(alice).query().singleRow())
                .containsEntry("external_id", "pay \"1\" \\ \u00e9\u4e2d")
                .containsEntry("amount", 61_700_001L)
                .containsEntry("created_at", EngineStore.timestamp(T0));
        assertThat(jdbc.sql("SELECT depth_update_id FROM market WHERE symbol = ?").param(symbol).query(Long.class)
                .single()).isEqualTo(18);

        EngineStore.Loaded loaded = store.load();
        assertThat(loaded.lastStreamId()).isEqualTo("11-0");
        assertThat(loaded.state().balances()).contains(
                new EngineState.BalanceState(alice, base, 999_000_000, 0),
                new EngineState.BalanceState(alice, quote, 49_360_001, 0),
                new EngineState.BalanceState(bob, quote, 12_309_150, 0));
        OrderSnapshot cancelled = new OrderSnapshot(101, alice, 7, symbol, Side.Bid, OrderType.Limit, TimeInForce.GTC,
                true, SelfTradePrevention.RejectMaker, 1_234, 5_000, 0, 1_000, 12_340_000, 0, OrderStatus.Cancelled, T0);
        List<OrderSnapshot> recent = new ArrayList<>();
        store.recentClientOrders(Duration.ofDays(100_000), markets, recent::add, () -> { });
        assertThat(recent).filteredOn(order -> order.orderId() == 101).singleElement().isEqualTo(cancelled);
        assertThat(store.order(101, markets)).contains(cancelled);
        assertThat(store.order(999_999, markets)).isEmpty();
    }

    @Test
    void aNewLeaderStampsNoEarlierThanTheLastCommittedCommand() {
        // A leader whose clock ran an hour ahead of PostgreSQL's: the next leader starts from its last timestamp,
        // not from PostgreSQL's now(), so trade times never go back as trade ids rise (candles and the ticker
        // order trades by time, then id).
        long ahead = (System.currentTimeMillis() + 3_600_000L) * 1_000;
        Batch batch = batch("12-0", 12);
        batch.lastTimestamp = ahead;

        store.commit(lease, epoch, batch, Map.of(), Map.of());

        assertThat(store.load().lastCommitMicros()).isEqualTo(ahead);
    }

    @Test
    void aCandleOfWholeMinutesFromTheMinuteSumsEqualsOneFromItsTrades() {
        // 300 trades over three days, in two markets, some sharing a microsecond: each interval's current candle as
        // a new leader loads it (from trade_minute for a minute or more, from the trades for 1s) must equal the
        // same candle computed from every trade in it.
        String symbol = "C" + alice + "_Q";
        String other = "D" + alice + "_Q";
        MarketUnits units = MarketUnits.of(new MarketSpec(symbol, "C", "Q", "0.01", "0.001", "0.001", 0, 0), 9, 6,
                false);
        Random random = new Random(11);
        Instant end = Instant.parse("2025-03-01T00:00:30Z");
        long id = 1_000_000_000L + alice * 1_000;
        for (int i = 0; i < 300; i++) {
            long micros = end.toEpochMilli() * 1_000 - (long) (random.nextDouble() * 3 * 86_400_000_000L);
            if (i % 10 == 0) {
                micros = end.toEpochMilli() * 1_000 - 10_000_000;
            }
            insertTrade(id++, random.nextBoolean() ? symbol : other, 90 + random.nextInt(40), 1 + random.nextInt(5),
                    micros);
        }
        Instant last = end.minusSeconds(10);
        for (KlineInterval interval : KlineInterval.values()) {
            Instant start = interval.bucketStart(last);
            Instant stop = interval.plus(start, 1);
            CandleTracker.Candle loaded = store.candle(symbol, start, stop, units);
            Map<String, Object> scan = jdbc.sql("""
                    SELECT count(*) AS trades, (array_agg(price ORDER BY created_at, id))[1] AS open,
                           max(price) AS high, min(price) AS low,
                           (array_agg(price ORDER BY created_at DESC, id DESC))[1] AS close, sum(quantity) AS volume
                    FROM trade WHERE symbol = ? AND created_at >= ? AND created_at < ?""")
                    .params(symbol, Timestamp.from(start), Timestamp.from(stop)).query().singleRow();
            assertThat(loaded.trades).as(interval.wire()).isEqualTo((Long) scan.get("trades")).isPositive();
            assertThat(loaded.open).as(interval.wire()).isEqualTo(units.ticksOf((BigDecimal) scan.get("open")));
            assertThat(loaded.high).as(interval.wire()).isEqualTo(units.ticksOf((BigDecimal) scan.get("high")));
            assertThat(loaded.low).as(interval.wire()).isEqualTo(units.ticksOf((BigDecimal) scan.get("low")));
            assertThat(loaded.close).as(interval.wire()).isEqualTo(units.ticksOf((BigDecimal) scan.get("close")));
            assertThat(loaded.volume).as(interval.wire()).isEqualTo(units.stepsOf((BigDecimal) scan.get("volume")));
        }
        Instant quietMinute = Instant.parse("2025-03-01T00:02:00Z");
        assertThat(store.candle(symbol, quietMinute, quietMinute.plusSeconds(60), units).trades).as("no trades")
                .isZero();
        assertThat(store.candle(symbol, quietMinute, quietMinute.plusSeconds(1), units).trades).as("no trades, 1s")
                .isZero();
    }

    private void insertTrade(long id, String symbol, long price, long quantity, long micros) {
        BigDecimal p = BigDecimal.valueOf(price);
        BigDecimal q = BigDecimal.valueOf(quantity);
        jdbc.sql("""
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                    taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset, taker_fee,
                    taker_fee_asset, created_at)
                VALUES (?, ?, ?, ?, ?, 'Bid', 1, 2, ?, ?, 0, 'Q', 0, 'Q', ?)""")
                .params(id, symbol, p, q, p.multiply(q), alice, bob, EngineStore.timestamp(micros)).update();
    }

    @Test
    void recentClientOrdersArriveOldestFirstPageByPageWithTheCallbackBetweenPages() {
        String symbol = "R" + alice + "_Q";
        MarketUnits units = MarketUnits.of(new MarketSpec(symbol, "R" + alice, "Q", "0.01", "0.001", "0.001", 0, 0),
                9, 6, false);
        int count = 2 * EngineStore.RECENT_PAGE + 17;
        long firstId = 1_000_000_000_000L + alice * 100_000;
        // Ids descend as time ascends, and every pair shares a timestamp: order comes from (created_at, id).
        jdbc.sql("""
                INSERT INTO orders (id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                                    self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                                    executed_quote_quantity, status, locked, priority, created_at, updated_at)
                SELECT ? + ? - g, ?, ?, g, 'Bid', 'Limit', 'GTC', false, 'RejectTaker', 1.5, 2, NULL, 0, 0,
                       'Cancelled', 0, g, now() - interval '1 hour' + (g / 2) * interval '1 microsecond', now()
                FROM generate_series(1, ?) AS g""").params(firstId, count, alice, symbol, count).update();
        try {
            List<OrderSnapshot> recent = new ArrayList<>();
            int[] pauses = {0};
            store.recentClientOrders(Duration.ofHours(2), Map.of(symbol, units), order -> {
                if (order.symbol().equals(symbol)) {
                    recent.add(order);
                }
            }, () -> pauses[0]++);

            assertThat(recent).hasSize(count);
            // By time, then id: g = 1, then 3 before 2, 5 before 4, ... across page ends too.
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, count).boxed()
                    .sorted(java.util.Comparator.<Long>comparingLong(g -> g / 2).thenComparingLong(g -> -g)).toList();
            assertThat(recent).extracting(OrderSnapshot::clientId).containsExactlyElementsOf(expected);
            assertThat(recent.getFirst()).isEqualTo(new OrderSnapshot(firstId + count - 1, alice, 1, symbol, Side.Bid,
                    OrderType.Limit, TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 150, 2_000, 0, 0, 0, 0,
                    OrderStatus.Cancelled, recent.getFirst().createdAt()));
            assertThat(pauses[0]).isGreaterThanOrEqualTo(2);
        } finally {
            jdbc.sql("DELETE FROM orders WHERE symbol = ?").param(symbol).update();
        }
    }

    @Test
    void aFencedBatchWritesNothing() {
        Map<String, Object> stateBefore = jdbc.sql("SELECT * FROM engine_state WHERE id = 1").query().singleRow();
        Batch batch = batch("99999999999999-0", 9);
        batch.balances.put("x", new EngineEvent.BalanceChanged(1, 1, T0, alice, "USDC", 5, 0));
        batch.ledger.add(new Batch.LedgerRow(alice, "USDC", "Deposit", 5, "fenced", T0));
        jdbc.sql("UPDATE engine_lease SET epoch = epoch + 1").update();

        assertThatThrownBy(() -> store.commit(lease, epoch, batch, Map.of(), Map.of()))
                .isInstanceOf(LeaderLease.FencedException.class);
        assertThat(jdbc.sql("SELECT * FROM engine_state WHERE id = 1").query().singleRow()).isEqualTo(stateBefore);
        assertThat(jdbc.sql("SELECT count(*) FROM balance WHERE account_id = ?").param(alice).query(Long.class)
                .single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE account_id = ?").param(alice)
                .query(Long.class).single()).isZero();

        // The same through the transaction path of a batch that also creates an asset.
        batch.assets.add(new EngineEvent.AssetCreated(1, 1, T0, "FENCED", 2));
        assertThatThrownBy(() -> store.commit(lease, epoch, batch, Map.of(), Map.of()))
                .isInstanceOf(LeaderLease.FencedException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM asset WHERE symbol = 'FENCED'").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE account_id = ?").param(alice)
                .query(Long.class).single()).isZero();
    }

    private static Batch batch(String streamId, long command) {
        Batch batch = new Batch();
        batch.lastStreamId = streamId;
        batch.lastCommandId = command;
        batch.nextOrderId = 1_000;
        batch.nextTradeId = 1_000;
        batch.nextSequence = 1_000;
        return batch;
    }
}
