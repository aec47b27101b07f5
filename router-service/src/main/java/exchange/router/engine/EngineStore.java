package exchange.router.engine;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.EngineState;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.MarketStatus;
import exchange.common.engine.OrderSnapshot;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The engine's durable state in PostgreSQL: loading it for a new leader, and committing one batch in one
 * fenced transaction with batched statements. Called from the engine thread only.
 */
@Component
class EngineStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate batchTransaction;
    private final TransactionTemplate snapshotTransaction;

    EngineStore(JdbcClient jdbc, JdbcTemplate template, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.batchTransaction = new TransactionTemplate(transactions);
        this.snapshotTransaction = new TransactionTemplate(transactions);
        snapshotTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTransaction.setReadOnly(true);
    }

    /** What a new leader starts from: the engine state, its stream position and the market units. */
    record Loaded(EngineState state, String lastStreamId, Map<String, MarketUnits> markets,
            Map<String, Integer> assetDecimals, long lastCommitMicros) {
    }

    record AssetRow(String symbol, int decimals) {
    }

    record MarketRow(String symbol, String baseSymbol, String quoteSymbol, BigDecimal tickSize, BigDecimal stepSize,
            BigDecimal minQuantity, int makerFeePpm, int takerFeePpm, boolean halted, long depthUpdateId) {
    }

    record OrderRow(long id, long accountId, String symbol, Long clientId, String side, String orderType,
            String timeInForce, boolean postOnly, String selfTradePrevention, BigDecimal price, BigDecimal quantity,
            BigDecimal quoteQuantity, BigDecimal executedQuantity, BigDecimal executedQuoteQuantity, String status,
            long locked, Timestamp createdAt) {
    }

    record StateRow(String lastCommandId, long engineCommand, long nextOrderId, long nextTradeId,
            long nextSequence, Timestamp updatedAt) {
    }

    Loaded load() {
        return snapshotTransaction.execute(status -> {
            List<AssetRow> assets = jdbc.sql("SELECT symbol, decimals FROM asset ORDER BY created_at, symbol")
                    .query(AssetRow.class).list();
            Map<String, Integer> decimals = new HashMap<>();
            List<EngineState.AssetState> assetStates = new ArrayList<>();
            for (AssetRow asset : assets) {
                decimals.put(asset.symbol(), asset.decimals());
                assetStates.add(new EngineState.AssetState(asset.symbol(), asset.decimals()));
            }
            List<MarketRow> marketRows = jdbc.sql("""
                    SELECT symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity, maker_fee_ppm,
                           taker_fee_ppm, halted, depth_update_id FROM market ORDER BY created_at, symbol""")
                    .query(MarketRow.class).list();
            Map<String, MarketUnits> units = new HashMap<>();
            Map<String, List<OrderSnapshot>> bids = new HashMap<>();
            Map<String, List<OrderSnapshot>> asks = new HashMap<>();
            for (MarketRow row : marketRows) {
                units.put(row.symbol(), MarketUnits.of(spec(row), decimals.get(row.baseSymbol()),
                        decimals.get(row.quoteSymbol()), row.halted()));
                bids.put(row.symbol(), new ArrayList<>());
                asks.put(row.symbol(), new ArrayList<>());
            }
            // Within a price level the engine queues orders in the order given: arrival (id) order.
            for (OrderRow row : jdbc.sql("""
                    SELECT id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                           self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                           executed_quote_quantity, status, locked, created_at
                    FROM orders WHERE status IN ('New', 'PartiallyFilled') ORDER BY symbol, side, price, id""")
                    .query(OrderRow.class).list()) {
                MarketUnits market = units.get(row.symbol());
                OrderSnapshot order = snapshot(row, market);
                (order.side() == Side.Bid ? bids : asks).get(row.symbol()).add(order);
            }
            List<EngineState.MarketState> markets = new ArrayList<>();
            for (MarketRow row : marketRows) {
                markets.add(new EngineState.MarketState(spec(row), row.halted() ? MarketStatus.Halted : MarketStatus.Open,
                        row.depthUpdateId(), bids.get(row.symbol()), asks.get(row.symbol())));
            }
            List<EngineState.BalanceState> balances = jdbc.sql("""
                    SELECT account_id, asset, available, locked FROM balance
                    WHERE available <> 0 OR locked <> 0 ORDER BY account_id, asset""")
                    .query(EngineState.BalanceState.class).list();
            StateRow state = jdbc.sql("""
                    SELECT last_command_id, engine_command, next_order_id, next_trade_id, next_sequence, updated_at
                    FROM engine_state WHERE id = 1""").query(StateRow.class).single();
            EngineState engineState = new EngineState(assetStates, markets, balances, state.nextOrderId(),
                    state.nextTradeId(), state.nextSequence(), state.engineCommand());
            return new Loaded(engineState, state.lastCommandId(), units, decimals, micros(state.updatedAt()));
        });
    }

    private static OrderSnapshot snapshot(OrderRow row, MarketUnits market) {
        long price = row.price() == null ? 0 : market.ticksOf(row.price());
        long quantity = row.quantity() == null ? 0 : market.stepsOf(row.quantity());
        long quote = row.quoteQuantity() == null ? 0 : row.quoteQuantity().movePointRight(market.quoteDecimals())
                .longValueExact();
        return new OrderSnapshot(row.id(), row.accountId(), row.clientId() == null ? StreamCommand.NO_CLIENT_ID
                : row.clientId(), row.symbol(), Side.valueOf(row.side()), OrderType.valueOf(row.orderType()),
                TimeInForce.valueOf(row.timeInForce()), row.postOnly(),
                SelfTradePrevention.valueOf(row.selfTradePrevention()), price, quantity, quote,
                market.stepsOf(row.executedQuantity()),
                row.executedQuoteQuantity().movePointRight(market.quoteDecimals()).longValueExact(), row.locked(),
                OrderStatus.valueOf(row.status()), micros(row.createdAt()));
    }

    static MarketSpec spec(MarketRow row) {
        return new MarketSpec(row.symbol(), row.baseSymbol(), row.quoteSymbol(), plain(row.tickSize()),
                plain(row.stepSize()), plain(row.minQuantity()), row.makerFeePpm(), row.takerFeePpm());
    }

    /**
     * Writes the batch in one transaction. Its first statement is the lease fence, which also carries the
     * stream position, the id counters and the markets' depth update ids (one round trip instead of one per
     * statement: with PostgreSQL on another host, round trips are most of a commit); then one batched statement
     * per table.
     *
     * @throws LeaderLease.FencedException if this replica lost the lease (nothing is written)
     */
    void commit(LeaderLease lease, long epoch, Batch batch, Map<String, MarketUnits> markets,
            Map<String, Integer> assetDecimals) {
        StringBuilder depth = new StringBuilder("{");
        for (Map.Entry<String, Long> entry : batch.depthUpdateIds.entrySet()) {
            // Symbols are validated when a market is created: letters, digits and '_' only.
            depth.append(depth.length() > 1 ? "," : "").append('"').append(entry.getKey()).append("\":")
                    .append(entry.getValue());
        }
        depth.append('}');
        batchTransaction.executeWithoutResult(status -> {
            lease.fence(epoch, """
                    ,
                    depth AS (
                        UPDATE market SET depth_update_id = d.id::bigint
                        FROM fence, jsonb_each_text(:depth::jsonb) AS d(symbol, id)
                        WHERE market.symbol = d.symbol),
                    state AS (
                        UPDATE engine_state SET last_command_id = :lastStreamId, engine_command = :lastCommandId,
                               next_order_id = :nextOrderId, next_trade_id = :nextTradeId,
                               next_sequence = :nextSequence, updated_at = now()
                        FROM fence WHERE engine_state.id = 1)""",
                    Map.of("depth", depth.toString(), "lastStreamId", batch.lastStreamId,
                            "lastCommandId", batch.lastCommandId, "nextOrderId", batch.nextOrderId,
                            "nextTradeId", batch.nextTradeId, "nextSequence", batch.nextSequence));
            writeReferenceData(batch);
            writeOrders(batch, markets);
            writeTrades(batch, markets, assetDecimals);
            writeBalances(batch);
            writeLedger(batch);
        });
    }

    private void writeReferenceData(Batch batch) {
        for (EngineEvent.AssetCreated asset : batch.assets) {
            template.update("INSERT INTO asset (symbol, display_name, decimals) VALUES (?, ?, ?)",
                    asset.asset(), asset.asset(), asset.decimals());
        }
        for (MarketSpec market : batch.markets) {
            template.update("""
                    INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                        maker_fee_ppm, taker_fee_ppm, depth_update_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    market.symbol(), market.baseAsset(), market.quoteAsset(), new BigDecimal(market.tickSize()),
                    new BigDecimal(market.stepSize()), new BigDecimal(market.minQuantity()), market.makerFeePpm(),
                    market.takerFeePpm(),
                    // The fence statement's depth update ran before this row existed.
                    batch.depthUpdateIds.getOrDefault(market.symbol(), 0L));
        }
        for (Map.Entry<String, MarketStatus> status : batch.statuses.entrySet()) {
            template.update("UPDATE market SET halted = ? WHERE symbol = ?",
                    status.getValue() == MarketStatus.Halted, status.getKey());
        }
    }

    private void writeOrders(Batch batch, Map<String, MarketUnits> markets) {
        List<Object[]> rows = new ArrayList<>(batch.orders.size());
        for (OrderSnapshot o : batch.orders.values()) {
            MarketUnits m = markets.get(o.symbol());
            Timestamp updated = timestamp(batch.orderTimestamps.get(o.orderId()));
            rows.add(new Object[] {o.orderId(), o.accountId(), o.symbol(),
                o.clientId() == StreamCommand.NO_CLIENT_ID ? null : o.clientId(), o.side().name(), o.type().name(),
                o.timeInForce().name(), o.postOnly(), o.selfTradePrevention().name(),
                o.type() == OrderType.Limit ? m.priceDecimal(o.price()) : null,
                o.quantity() > 0 ? m.quantityDecimal(o.quantity()) : null,
                o.quoteQuantity() > 0 ? BigDecimal.valueOf(o.quoteQuantity(), m.quoteDecimals()) : null,
                m.quantityDecimal(o.executedQuantity()),
                BigDecimal.valueOf(o.executedQuoteQuantity(), m.quoteDecimals()), o.status().name(), o.locked(),
                o.orderId(), timestamp(o.createdAt()), updated});
        }
        template.batchUpdate("""
                INSERT INTO orders (id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                                    self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                                    executed_quote_quantity, status, locked, priority, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET executed_quantity = EXCLUDED.executed_quantity,
                    executed_quote_quantity = EXCLUDED.executed_quote_quantity, status = EXCLUDED.status,
                    locked = EXCLUDED.locked, updated_at = EXCLUDED.updated_at""", rows);
    }

    private void writeTrades(Batch batch, Map<String, MarketUnits> markets, Map<String, Integer> decimals) {
        List<Object[]> rows = new ArrayList<>(batch.trades.size());
        for (EngineEvent.Trade t : batch.trades) {
            MarketUnits m = markets.get(t.symbol());
            rows.add(new Object[] {t.tradeId(), t.symbol(), m.priceDecimal(t.price()), m.quantityDecimal(t.quantity()),
                BigDecimal.valueOf(t.quoteQuantity(), m.quoteDecimals()), t.takerSide().name(), t.makerOrderId(),
                t.takerOrderId(), t.makerAccountId(), t.takerAccountId(),
                BigDecimal.valueOf(t.makerFee(), decimals.get(t.makerFeeAsset())), t.makerFeeAsset(),
                BigDecimal.valueOf(t.takerFee(), decimals.get(t.takerFeeAsset())), t.takerFeeAsset(),
                timestamp(t.timestamp())});
        }
        template.batchUpdate("""
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                                   taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset,
                                   taker_fee, taker_fee_asset, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    private void writeBalances(Batch batch) {
        List<Object[]> rows = new ArrayList<>(batch.balances.size());
        for (EngineEvent.BalanceChanged b : batch.balances.values()) {
            rows.add(new Object[] {b.accountId(), b.asset(), b.available(), b.locked()});
        }
        template.batchUpdate("""
                INSERT INTO balance (account_id, asset, available, locked) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id, asset) DO UPDATE SET available = EXCLUDED.available,
                    locked = EXCLUDED.locked""", rows);
    }

    private void writeLedger(Batch batch) {
        List<Object[]> rows = new ArrayList<>(batch.ledger.size());
        for (Batch.LedgerRow l : batch.ledger) {
            rows.add(new Object[] {l.accountId(), l.asset(), l.kind(), l.amount(), l.externalId(),
                timestamp(l.timestamp())});
        }
        template.batchUpdate("""
                INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""", rows);
    }

    boolean accountExists(long accountId) {
        return jdbc.sql("SELECT count(*) FROM account WHERE id = ?").param(accountId).query(Long.class).single() > 0;
    }

    /** True if a deposit or withdrawal with this caller id was already committed. */
    boolean ledgerEntryExists(long accountId, String kind, String externalId) {
        return jdbc.sql("SELECT count(*) FROM ledger_entry WHERE account_id = ? AND kind = ? AND external_id = ?")
                .params(accountId, kind, externalId).query(Long.class).single() > 0;
    }

    record CandleRow(long trades, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close,
            BigDecimal volume) {
    }

    /** The committed trades of one candle, for {@link CandleTracker}. */
    CandleTracker.Candle candle(String symbol, Instant start, Instant end, MarketUnits market) {
        CandleRow row = jdbc.sql("""
                SELECT count(*) AS trades, (array_agg(price ORDER BY id))[1] AS open, max(price) AS high,
                       min(price) AS low, (array_agg(price ORDER BY id DESC))[1] AS close,
                       coalesce(sum(quantity), 0) AS volume
                FROM trade WHERE symbol = ? AND created_at >= ? AND created_at < ?""")
                .params(symbol, Timestamp.from(start), Timestamp.from(end)).query(CandleRow.class).single();
        CandleTracker.Candle candle = new CandleTracker.Candle(start);
        if (row.trades() > 0) {
            candle.trades = row.trades();
            candle.open = market.ticksOf(row.open());
            candle.high = market.ticksOf(row.high());
            candle.low = market.ticksOf(row.low());
            candle.close = market.ticksOf(row.close());
            candle.volume = market.stepsOf(row.volume());
        }
        return candle;
    }

    /**
     * Orders with a clientId created within {@code window}, oldest first: the leader's idempotency memory
     * after a takeover.
     */
    List<OrderSnapshot> recentClientOrders(java.time.Duration window, Map<String, MarketUnits> markets) {
        return jdbc.sql("""
                SELECT id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                       self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                       executed_quote_quantity, status, locked, created_at
                FROM orders WHERE client_id IS NOT NULL AND created_at > now() - ? * interval '1 millisecond'
                ORDER BY id""")
                .param(window.toMillis()).query(OrderRow.class).list().stream()
                .map(row -> snapshot(row, markets.get(row.symbol()))).toList();
    }

    static Timestamp timestamp(long micros) {
        return Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L));
    }

    static long micros(Timestamp timestamp) {
        Instant instant = timestamp.toInstant();
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
