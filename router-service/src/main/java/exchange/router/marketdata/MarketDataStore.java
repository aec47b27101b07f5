package exchange.router.marketdata;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Market data computed from PostgreSQL, the source of truth: the answer when Redis has nothing (or is down),
 * and the only source for trade history and K-lines. Every query is served by an index of V2, or V6 for the
 * ticker and K-lines (named at each query). Thread-safe.
 */
@Component
class MarketDataStore {

    private static final String OPEN = "status IN ('New', 'PartiallyFilled')";

    private final JdbcClient jdbc;
    private final MarketRepository markets;
    private final TransactionTemplate snapshot;
    private final Clock clock;
    // A ticker sums up to 1,441 minutes of a day (10,081 of a week) and a minute of trades; not work to repeat for
    // every request of a public endpoint, so each replica reuses a computed ticker for a moment.
    private final Cache<TickerKey, TickerResponse> tickers;

    private record TickerKey(String symbol, Duration window) {
    }

    MarketDataStore(JdbcClient jdbc, MarketRepository markets, PlatformTransactionManager transactions,
            Clock clock, @Value("${exchange.marketdata.ticker-reuse:1s}") Duration tickerReuse) {
        this.jdbc = jdbc;
        this.markets = markets;
        this.clock = clock;
        this.tickers = Caffeine.newBuilder().expireAfterWrite(tickerReuse).maximumSize(10_000).build();
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    boolean marketExists(String symbol) {
        return markets.existsById(symbol);
    }

    record Level(BigDecimal price, BigDecimal quantity) {
    }

    record DepthHeader(long depthUpdateId, long micros) {
    }

    /**
     * The book of {@code symbol} aggregated from its open orders, {@code limit} levels per side, or empty for
     * an unknown market. Levels and {@code market.depth_update_id} are read in one repeatable-read snapshot:
     * the leader commits both in one transaction, so the snapshot pairs a book with exactly its update id.
     * Index: {@code orders_open_book_idx}.
     */
    Optional<DepthResponse> depth(String symbol, int limit) {
        return snapshot.execute(status -> {
            Optional<DepthHeader> header = jdbc.sql("""
                    SELECT depth_update_id, (extract(epoch FROM now()) * 1000000)::bigint AS micros
                    FROM market WHERE symbol = ?""").param(symbol).query(DepthHeader.class).optional();
            if (header.isEmpty()) {
                return Optional.empty();
            }
            List<List<String>> asks = levels(symbol, "Ask", "ASC", limit);
            List<List<String>> bids = levels(symbol, "Bid", "DESC", limit).reversed();
            return Optional.of(new DepthResponse(asks, bids, Long.toString(header.get().depthUpdateId()),
                    header.get().micros()));
        });
    }

    private List<List<String>> levels(String symbol, String side, String order, int limit) {
        return jdbc.sql("SELECT price, sum(quantity - executed_quantity) AS quantity FROM orders "
                        + "WHERE symbol = :symbol AND side = :side AND " + OPEN + " "
                        + "GROUP BY price HAVING sum(quantity - executed_quantity) > 0 "
                        + "ORDER BY price " + order + " LIMIT :limit")
                .param("symbol", symbol).param("side", side).param("limit", limit)
                .query(Level.class).list().stream()
                .map(level -> List.of(WireFormat.decimal(level.price()), WireFormat.decimal(level.quantity())))
                .toList();
    }

    record TickerRow(long trades, BigDecimal firstPrice, BigDecimal lastPrice, BigDecimal high, BigDecimal low,
            BigDecimal volume, BigDecimal quoteVolume) {
    }

    /**
     * The ticker of {@code symbol} over the last {@code window}, computed at most once per
     * {@code exchange.marketdata.ticker-reuse} (default 1 s) per replica.
     */
    TickerResponse ticker(String symbol, Duration window) {
        return tickers.get(new TickerKey(symbol, window), key -> computeTicker(symbol, clock.instant().minus(window)));
    }

    /**
     * Whole minutes of the window from {@code trade_minute} (kept by a trigger on {@code trade}, migration V6), the
     * window's first, partial minute from {@code trade} ({@code trade_symbol_time_idx}), the first price by primary
     * key and the last by {@code trade_symbol_id_idx}: up to 1,441 summary rows a day of window, whatever the
     * volume traded.
     */
    private TickerResponse computeTicker(String symbol, Instant since) {
        long fullFrom = Math.ceilDiv(since.getEpochSecond() * 1_000_000_000L + since.getNano(), 60_000_000_000L);
        Instant fullStart = Instant.ofEpochSecond(fullFrom * 60);
        TickerRow row = jdbc.sql("""
                WITH parts AS (
                    SELECT trades, volume, quote_volume, high, low, first_at, first_id FROM trade_minute
                    WHERE symbol = :symbol AND minute >= :fullFrom
                    UNION ALL
                    SELECT count(*), sum(quantity), sum(quote_quantity), max(price), min(price), min(created_at),
                           (SELECT id FROM trade WHERE symbol = :symbol AND created_at >= :since
                            AND created_at < :fullStart ORDER BY created_at, id LIMIT 1)
                    FROM trade WHERE symbol = :symbol AND created_at >= :since AND created_at < :fullStart)
                SELECT coalesce(sum(trades), 0)::bigint AS trades,
                       (SELECT price FROM trade WHERE id = (SELECT first_id FROM parts WHERE first_id IS NOT NULL
                                                            ORDER BY first_at, first_id LIMIT 1)) AS first_price,
                       (SELECT price FROM trade WHERE symbol = :symbol ORDER BY id DESC LIMIT 1) AS last_price,
                       max(high) AS high, min(low) AS low,
                       sum(volume) AS volume, sum(quote_volume) AS quote_volume
                FROM parts""")
                .param("symbol", symbol).param("fullFrom", fullFrom).param("since", utc(since))
                .param("fullStart", utc(fullStart))
                .query(TickerRow.class).single();
        return TickerResponse.of(symbol, row.trades(), row.firstPrice(), row.lastPrice(), row.high(), row.low(),
                row.volume(), row.quoteVolume());
    }

    record TradeRow(long id, BigDecimal price, BigDecimal quantity, BigDecimal quoteQuantity, String takerSide,
            Instant createdAt) {

        TradeResponse toResponse() {
            return new TradeResponse(id, WireFormat.decimal(price), WireFormat.decimal(quantity),
                    WireFormat.decimal(quoteQuantity), createdAt.toEpochMilli(), "Ask".equals(takerSide));
        }
    }

    /** Trades of {@code symbol}, newest first. Index: {@code trade_symbol_id_idx}. */
    List<TradeResponse> trades(String symbol, int limit, long offset) {
        return jdbc.sql("""
                SELECT id, price, quantity, quote_quantity, taker_side, created_at FROM trade
                WHERE symbol = :symbol ORDER BY id DESC LIMIT :limit OFFSET :offset""")
                .param("symbol", symbol).param("limit", limit).param("offset", offset)
                .query(TradeRow.class).list().stream().map(TradeRow::toResponse).toList();
    }

    record KlineRow(Instant start, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close,
            BigDecimal volume, BigDecimal quoteVolume, long trades) {
    }

    /**
     * Candles of the trades in {@code [from, to)} (candle boundaries), oldest first, empty candles omitted. Open
     * and close are the first and last trade by time, then id (the same as by id: a leader never stamps a trade
     * earlier than the last one committed). Candles of a minute or longer are summed from {@code trade_minute}
     * (kept by a trigger on {@code trade}, migrations V6 and V7): a day of 1h candles is at most 1,440 rows,
     * whatever the volume. 1s candles group the trades themselves ({@code trade_symbol_time_idx}). Open and close
     * are one primary-key lookup per candle (as scalar subqueries: a join let the planner scan the whole primary
     * key instead).
     */
    List<KlineResponse> klines(String symbol, KlineInterval interval, Instant from, Instant to) {
        String buckets = interval.wholeMinutes()
                ? " SELECT " + interval.bucketSql("to_timestamp(minute * 60)") + " AS start,"
                        + " (array_agg(first_id ORDER BY first_at, first_id))[1] AS first_id,"
                        + " (array_agg(last_id ORDER BY last_at DESC, last_id DESC))[1] AS last_id,"
                        + " max(high) AS high, min(low) AS low, sum(volume) AS volume,"
                        + " sum(quote_volume) AS quote_volume, sum(trades)::bigint AS trades"
                        + " FROM trade_minute WHERE symbol = :symbol AND minute >= :fromMinute AND minute < :toMinute"
                        + " GROUP BY 1"
                : " SELECT " + interval.bucketSql() + " AS start,"
                        + " (array_agg(id ORDER BY created_at, id))[1] AS first_id,"
                        + " (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS last_id,"
                        + " max(price) AS high, min(price) AS low, sum(quantity) AS volume,"
                        + " sum(quote_quantity) AS quote_volume, count(*) AS trades"
                        + " FROM trade WHERE symbol = :symbol AND created_at >= :from AND created_at < :to"
                        + " GROUP BY 1";
        JdbcClient.StatementSpec statement = jdbc.sql("WITH bucket AS (" + buckets + ")"
                        + " SELECT b.start, (SELECT price FROM trade WHERE id = b.first_id) AS open, b.high, b.low,"
                        + " (SELECT price FROM trade WHERE id = b.last_id) AS close, b.volume, b.quote_volume, b.trades"
                        + " FROM bucket b ORDER BY b.start")
                .param("symbol", symbol);
        statement = interval.wholeMinutes()
                ? statement.param("fromMinute", Math.floorDiv(from.getEpochSecond(), 60))
                        .param("toMinute", Math.floorDiv(to.getEpochSecond(), 60))
                : statement.param("from", utc(from)).param("to", utc(to));
        List<KlineRow> rows = statement.query(KlineRow.class).list();
        List<KlineResponse> klines = new ArrayList<>(rows.size());
        for (KlineRow row : rows) {
            klines.add(new KlineResponse(KlineResponse.time(row.start()),
                    KlineResponse.time(interval.plus(row.start(), 1)),
                    WireFormat.decimal(row.open()), WireFormat.decimal(row.high()), WireFormat.decimal(row.low()),
                    WireFormat.decimal(row.close()), WireFormat.decimal(row.volume()),
                    WireFormat.decimal(row.quoteVolume()), Long.toString(row.trades())));
        }
        return klines;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
