package exchange.router.engine;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

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
 * The engine's durable state in PostgreSQL: loading it for a new leader, and committing one batch atomically in
 * one fenced statement. Called from the engine thread only.
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
     * Everything a batch writes besides reference data, as common table expressions appended to the lease
     * fence: one statement, so one round trip to PostgreSQL, and atomic on its own. Each column arrives as one
     * array parameter ({@link ArrayLiteral}); every data-modifying expression joins {@code fence}, so a fenced statement writes
     * nothing. Orders and balances are folded per batch (each row once), which an upsert in one statement needs.
     */
    private static final String BATCH_WRITES = """
            ,
            depth AS (
                UPDATE market SET depth_update_id = d.id::bigint
                FROM fence, jsonb_each_text(:depth::jsonb) AS d(symbol, id)
                WHERE market.symbol = d.symbol),
            state AS (
                UPDATE engine_state SET last_command_id = :lastStreamId, engine_command = :lastCommandId,
                       next_order_id = :nextOrderId, next_trade_id = :nextTradeId,
                       next_sequence = :nextSequence,
                       updated_at = greatest(now(), timestamptz 'epoch' + :lastTimestamp * interval '1 microsecond')
                FROM fence WHERE engine_state.id = 1),
            order_rows AS (
                INSERT INTO orders (id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                                    self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                                    executed_quote_quantity, status, locked, priority, created_at, updated_at)
                SELECT r.id, r.account_id, r.symbol, r.client_id, r.side, r.order_type, r.time_in_force, r.post_only,
                       r.self_trade_prevention, r.price, r.quantity, r.quote_quantity, r.executed_quantity,
                       r.executed_quote_quantity, r.status, r.locked, r.id,
                       timestamptz 'epoch' + r.created_us * interval '1 microsecond',
                       timestamptz 'epoch' + r.updated_us * interval '1 microsecond'
                FROM fence, unnest(:o_id::bigint[], :o_account::bigint[], :o_symbol::text[], :o_client::bigint[],
                     :o_side::text[], :o_type::text[], :o_tif::text[], :o_post::boolean[], :o_stp::text[],
                     :o_price::numeric[], :o_quantity::numeric[], :o_quote::numeric[], :o_executed::numeric[],
                     :o_executed_quote::numeric[], :o_status::text[], :o_locked::bigint[], :o_created::bigint[],
                     :o_updated::bigint[])
                     AS r(id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                          self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                          executed_quote_quantity, status, locked, created_us, updated_us)
                ON CONFLICT (id) DO UPDATE SET executed_quantity = EXCLUDED.executed_quantity,
                    executed_quote_quantity = EXCLUDED.executed_quote_quantity, status = EXCLUDED.status,
                    locked = EXCLUDED.locked, updated_at = EXCLUDED.updated_at),
            trade_rows AS (
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                                   taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset,
                                   taker_fee, taker_fee_asset, created_at)
                SELECT r.id, r.symbol, r.price, r.quantity, r.quote_quantity, r.taker_side, r.maker_order_id,
                       r.taker_order_id, r.maker_account_id, r.taker_account_id, r.maker_fee, r.maker_fee_asset,
                       r.taker_fee, r.taker_fee_asset, timestamptz 'epoch' + r.created_us * interval '1 microsecond'
                FROM fence, unnest(:t_id::bigint[], :t_symbol::text[], :t_price::numeric[], :t_quantity::numeric[],
                     :t_quote::numeric[], :t_side::text[], :t_maker_order::bigint[], :t_taker_order::bigint[],
                     :t_maker_account::bigint[], :t_taker_account::bigint[], :t_maker_fee::numeric[],
                     :t_maker_fee_asset::text[], :t_taker_fee::numeric[], :t_taker_fee_asset::text[],
                     :t_created::bigint[])
                     AS r(id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id, taker_order_id,
                          maker_account_id, taker_account_id, maker_fee, maker_fee_asset, taker_fee, taker_fee_asset,
                          created_us)),
            balance_rows AS (
                INSERT INTO balance (account_id, asset, available, locked)
                SELECT r.account_id, r.asset, r.available, r.locked
                FROM fence, unnest(:b_account::bigint[], :b_asset::text[], :b_available::bigint[],
                     :b_locked::bigint[]) AS r(account_id, asset, available, locked)
                ON CONFLICT (account_id, asset) DO UPDATE SET available = EXCLUDED.available,
                    locked = EXCLUDED.locked),
            ledger_rows AS (
                INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id, created_at)
                SELECT r.account_id, r.asset, r.kind, r.amount, r.external_id,
                       timestamptz 'epoch' + r.created_us * interval '1 microsecond'
                FROM fence, unnest(:l_account::bigint[], :l_asset::text[], :l_kind::text[], :l_amount::bigint[],
                     :l_external::text[], :l_created::bigint[])
                     AS r(account_id, asset, kind, amount, external_id, created_us))""";

    /**
     * Writes the batch atomically: one statement that is the lease fence and every write (one round trip; with
     * PostgreSQL on another host round trips are most of a commit). A batch that creates assets or markets or
     * halts one is the rare exception: a transaction writes those rows first, so that the batch's orders and
     * trades can reference them.
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
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("depth", depth.toString());
        parameters.put("lastStreamId", batch.lastStreamId);
        parameters.put("lastCommandId", batch.lastCommandId);
        parameters.put("nextOrderId", batch.nextOrderId);
        parameters.put("nextTradeId", batch.nextTradeId);
        parameters.put("nextSequence", batch.nextSequence);
        parameters.put("lastTimestamp", batch.lastTimestamp);
        orderRows(batch, markets, parameters);
        tradeRows(batch, markets, assetDecimals, parameters);
        balanceRows(batch, parameters);
        ledgerRows(batch, parameters);
        if (batch.assets.isEmpty() && batch.markets.isEmpty() && batch.statuses.isEmpty()) {
            lease.fence(epoch, BATCH_WRITES, parameters);
            return;
        }
        batchTransaction.executeWithoutResult(status -> {
            // Fenced first, so a replica that lost the lease never touches reference data.
            lease.fence(epoch);
            writeReferenceData(batch);
            lease.fence(epoch, BATCH_WRITES, parameters);
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
                                        maker_fee_ppm, taker_fee_ppm)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    market.symbol(), market.baseAsset(), market.quoteAsset(), new BigDecimal(market.tickSize()),
                    new BigDecimal(market.stepSize()), new BigDecimal(market.minQuantity()), market.makerFeePpm(),
                    market.takerFeePpm());
        }
        for (Map.Entry<String, MarketStatus> status : batch.statuses.entrySet()) {
            template.update("UPDATE market SET halted = ? WHERE symbol = ?",
                    status.getValue() == MarketStatus.Halted, status.getKey());
        }
    }

    private static void orderRows(Batch batch, Map<String, MarketUnits> markets, Map<String, Object> parameters) {
        ArrayLiteral id = new ArrayLiteral(), account = new ArrayLiteral(), symbol = new ArrayLiteral();
        ArrayLiteral client = new ArrayLiteral(), side = new ArrayLiteral(), type = new ArrayLiteral();
        ArrayLiteral tif = new ArrayLiteral(), postOnly = new ArrayLiteral(), stp = new ArrayLiteral();
        ArrayLiteral price = new ArrayLiteral(), quantity = new ArrayLiteral(), quote = new ArrayLiteral();
        ArrayLiteral executed = new ArrayLiteral(), executedQuote = new ArrayLiteral(), status = new ArrayLiteral();
        ArrayLiteral locked = new ArrayLiteral(), created = new ArrayLiteral(), updated = new ArrayLiteral();
        for (OrderSnapshot o : batch.orders.values()) {
            MarketUnits m = markets.get(o.symbol());
            id.add(o.orderId());
            account.add(o.accountId());
            symbol.add(o.symbol());
            if (o.clientId() == StreamCommand.NO_CLIENT_ID) {
                client.addNull();
            } else {
                client.add(o.clientId());
            }
            side.add(o.side().name());
            type.add(o.type().name());
            tif.add(o.timeInForce().name());
            postOnly.add(o.postOnly());
            stp.add(o.selfTradePrevention().name());
            if (o.type() == OrderType.Limit) {
                price.addDecimal(Math.multiplyExact(o.price(), m.tickUnits()), m.quoteDecimals());
            } else {
                price.addNull();
            }
            if (o.quantity() > 0) {
                quantity.addDecimal(Math.multiplyExact(o.quantity(), m.stepUnits()), m.baseDecimals());
            } else {
                quantity.addNull();
            }
            if (o.quoteQuantity() > 0) {
                quote.addDecimal(o.quoteQuantity(), m.quoteDecimals());
            } else {
                quote.addNull();
            }
            executed.addDecimal(Math.multiplyExact(o.executedQuantity(), m.stepUnits()), m.baseDecimals());
            executedQuote.addDecimal(o.executedQuoteQuantity(), m.quoteDecimals());
            status.add(o.status().name());
            locked.add(o.locked());
            created.add(o.createdAt());
            updated.add(batch.orderTimestamps.get(o.orderId()));
        }
        put(parameters, "o_id", id, "o_account", account, "o_symbol", symbol, "o_client", client, "o_side", side,
                "o_type", type, "o_tif", tif, "o_post", postOnly, "o_stp", stp, "o_price", price,
                "o_quantity", quantity, "o_quote", quote, "o_executed", executed, "o_executed_quote", executedQuote,
                "o_status", status, "o_locked", locked, "o_created", created, "o_updated", updated);
    }

    private static void tradeRows(Batch batch, Map<String, MarketUnits> markets, Map<String, Integer> decimals,
            Map<String, Object> parameters) {
        ArrayLiteral id = new ArrayLiteral(), symbol = new ArrayLiteral(), price = new ArrayLiteral();
        ArrayLiteral quantity = new ArrayLiteral(), quote = new ArrayLiteral(), side = new ArrayLiteral();
        ArrayLiteral makerOrder = new ArrayLiteral(), takerOrder = new ArrayLiteral();
        ArrayLiteral makerAccount = new ArrayLiteral(), takerAccount = new ArrayLiteral();
        ArrayLiteral makerFee = new ArrayLiteral(), makerFeeAsset = new ArrayLiteral();
        ArrayLiteral takerFee = new ArrayLiteral(), takerFeeAsset = new ArrayLiteral(), created = new ArrayLiteral();
        for (EngineEvent.Trade t : batch.trades) {
            MarketUnits m = markets.get(t.symbol());
            id.add(t.tradeId());
            symbol.add(t.symbol());
            price.addDecimal(Math.multiplyExact(t.price(), m.tickUnits()), m.quoteDecimals());
            quantity.addDecimal(Math.multiplyExact(t.quantity(), m.stepUnits()), m.baseDecimals());
            quote.addDecimal(t.quoteQuantity(), m.quoteDecimals());
            side.add(t.takerSide().name());
            makerOrder.add(t.makerOrderId());
            takerOrder.add(t.takerOrderId());
            makerAccount.add(t.makerAccountId());
            takerAccount.add(t.takerAccountId());
            makerFee.addDecimal(t.makerFee(), decimals.get(t.makerFeeAsset()));
            makerFeeAsset.add(t.makerFeeAsset());
            takerFee.addDecimal(t.takerFee(), decimals.get(t.takerFeeAsset()));
            takerFeeAsset.add(t.takerFeeAsset());
            created.add(t.timestamp());
        }
        put(parameters, "t_id", id, "t_symbol", symbol, "t_price", price, "t_quantity", quantity, "t_quote", quote,
                "t_side", side, "t_maker_order", makerOrder, "t_taker_order", takerOrder,
                "t_maker_account", makerAccount, "t_taker_account", takerAccount, "t_maker_fee", makerFee,
                "t_maker_fee_asset", makerFeeAsset, "t_taker_fee", takerFee, "t_taker_fee_asset", takerFeeAsset,
                "t_created", created);
    }

    private static void balanceRows(Batch batch, Map<String, Object> parameters) {
        ArrayLiteral account = new ArrayLiteral(), asset = new ArrayLiteral();
        ArrayLiteral available = new ArrayLiteral(), locked = new ArrayLiteral();
        for (EngineEvent.BalanceChanged b : batch.balances.values()) {
            account.add(b.accountId());
            asset.add(b.asset());
            available.add(b.available());
            locked.add(b.locked());
        }
        put(parameters, "b_account", account, "b_asset", asset, "b_available", available, "b_locked", locked);
    }

    private static void ledgerRows(Batch batch, Map<String, Object> parameters) {
        ArrayLiteral account = new ArrayLiteral(), asset = new ArrayLiteral(), kind = new ArrayLiteral();
        ArrayLiteral amount = new ArrayLiteral(), external = new ArrayLiteral(), created = new ArrayLiteral();
        for (Batch.LedgerRow l : batch.ledger) {
            account.add(l.accountId());
            asset.add(l.asset());
            kind.add(l.kind());
            amount.add(l.amount());
            external.add(l.externalId());
            created.add(l.timestamp());
        }
        put(parameters, "l_account", account, "l_asset", asset, "l_kind", kind, "l_amount", amount,
                "l_external", external, "l_created", created);
    }

    /** Adds name/column pairs as text parameters. */
    private static void put(Map<String, Object> parameters, Object... namesAndColumns) {
        for (int i = 0; i < namesAndColumns.length; i += 2) {
            parameters.put((String) namesAndColumns[i], namesAndColumns[i + 1].toString());
        }
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

    /**
     * The committed trades of one candle, for {@link CandleTracker}: summed from {@code trade_minute} when the
     * candle is whole minutes (every interval but 1s), so that loading a monthly candle reads at most 44,640 rows
     * however much was traded; 1s candles read their trades. Open and close are the first and last trade by time,
     * then id, as for REST K-lines.
     */
    CandleTracker.Candle candle(String symbol, Instant start, Instant end, MarketUnits market) {
        boolean wholeMinutes = start.getEpochSecond() % 60 == 0 && end.getEpochSecond() % 60 == 0
                && start.getNano() == 0 && end.getNano() == 0;
        CandleRow row = wholeMinutes
                ? jdbc.sql("""
                        WITH m AS (
                            SELECT coalesce(sum(trades), 0)::bigint AS trades, max(high) AS high, min(low) AS low,
                                   coalesce(sum(volume), 0) AS volume,
                                   (array_agg(first_id ORDER BY first_at, first_id))[1] AS first_id,
                                   (array_agg(last_id ORDER BY last_at DESC, last_id DESC))[1] AS last_id
                            FROM trade_minute WHERE symbol = ? AND minute >= ? AND minute < ?)
                        SELECT m.trades, (SELECT price FROM trade WHERE id = m.first_id) AS open, m.high, m.low,
                               (SELECT price FROM trade WHERE id = m.last_id) AS close, m.volume
                        FROM m""")
                        .params(symbol, start.getEpochSecond() / 60, end.getEpochSecond() / 60)
                        .query(CandleRow.class).single()
                : jdbc.sql("""
                        SELECT count(*) AS trades, (array_agg(price ORDER BY created_at, id))[1] AS open,
                               max(price) AS high, min(price) AS low,
                               (array_agg(price ORDER BY created_at DESC, id DESC))[1] AS close,
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

    /** Rows per page of {@link #recentClientOrders}. */
    static final int RECENT_PAGE = 10_000;

    /**
     * Passes each order with a clientId created within {@code window} to {@code each}, oldest first: the
     * leader's idempotency memory after a takeover. Reads pages of {@link #RECENT_PAGE} rows (keyset on
     * {@code created_at, id}, the partial index {@code orders_client_recent_idx}) and runs {@code betweenPages}
     * after each full one: a full window (up to a million orders) takes seconds to read, longer than the leader's
     * lease, which the leader renews there.
     */
    void recentClientOrders(java.time.Duration window, Map<String, MarketUnits> markets,
            Consumer<OrderSnapshot> each, Runnable betweenPages) {
        Timestamp after = jdbc.sql("SELECT now() - ? * interval '1 millisecond'").param(window.toMillis())
                .query(Timestamp.class).single();
        long afterId = Long.MIN_VALUE;
        while (true) {
            List<OrderRow> page = template.query("""
                    SELECT id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                           self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                           executed_quote_quantity, status, locked, created_at
                    FROM orders WHERE client_id IS NOT NULL AND created_at >= ? AND (created_at, id) > (?, ?)
                    ORDER BY created_at, id LIMIT ?""", EngineStore::orderRow, after, after, afterId, RECENT_PAGE);
            for (OrderRow row : page) {
                each.accept(snapshot(row, markets.get(row.symbol())));
            }
            if (page.size() < RECENT_PAGE) {
                return;
            }
            after = page.getLast().createdAt();
            afterId = page.getLast().id();
            betweenPages.run();
        }
    }

    /**
     * By position: a by-name mapper first tries each camelCase name, and PostgreSQL's driver answers every miss
     * with an exception, ten per row.
     */
    private static OrderRow orderRow(ResultSet resultSet, int rowNumber) throws SQLException {
        long clientId = resultSet.getLong(4);
        Long nullableClientId = resultSet.wasNull() ? null : clientId;
        return new OrderRow(resultSet.getLong(1), resultSet.getLong(2), resultSet.getString(3), nullableClientId,
                resultSet.getString(5), resultSet.getString(6), resultSet.getString(7), resultSet.getBoolean(8),
                resultSet.getString(9), resultSet.getBigDecimal(10), resultSet.getBigDecimal(11),
                resultSet.getBigDecimal(12), resultSet.getBigDecimal(13), resultSet.getBigDecimal(14),
                resultSet.getString(15), resultSet.getLong(16), resultSet.getTimestamp(17));
    }

    /** One order as last committed, for answering a retried clientId. */
    Optional<OrderSnapshot> order(long orderId, Map<String, MarketUnits> markets) {
        return jdbc.sql("""
                SELECT id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                       self_trade_prevention, price, quantity, quote_quantity, executed_quantity,
                       executed_quote_quantity, status, locked, created_at
                FROM orders WHERE id = ?""")
                .param(orderId).query(OrderRow.class).optional()
                .map(row -> snapshot(row, markets.get(row.symbol())));
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
