package exchange.router.engine;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import exchange.common.engine.MarketSpec;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Markets and asset decimals as committed in PostgreSQL, cached per replica. Order entry uses it to
 * pre-validate and convert requests; a symbol not in the cache triggers one reload (a market created a
 * moment ago), so a new market is usable at once. Thread-safe.
 */
@Component
public class MarketCatalog {

    private static final long RELOAD_AFTER_NANOS = 5_000_000_000L;

    private final JdbcClient jdbc;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(Map.of(), Map.of(), 0));

    record Snapshot(Map<String, MarketUnits> markets, Map<String, Integer> assetDecimals, long loadedAt) {
    }

    MarketCatalog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The market, reloading once if it is unknown or the cache is older than 5 s. */
    public Optional<MarketUnits> market(String symbol) {
        Snapshot current = snapshot.get();
        MarketUnits units = current.markets().get(symbol);
        if (units == null || System.nanoTime() - current.loadedAt() > RELOAD_AFTER_NANOS) {
            units = reload().markets().get(symbol);
        }
        return Optional.ofNullable(units);
    }

    /** Decimals of an asset, or empty if there is no such asset. */
    public Optional<Integer> assetDecimals(String asset) {
        Integer decimals = snapshot.get().assetDecimals().get(asset);
        if (decimals == null) {
            decimals = reload().assetDecimals().get(asset);
        }
        return Optional.ofNullable(decimals);
    }

    record MarketRow(String symbol, String baseSymbol, String quoteSymbol, java.math.BigDecimal tickSize,
            java.math.BigDecimal stepSize, java.math.BigDecimal minQuantity, int makerFeePpm, int takerFeePpm,
            boolean halted) {
    }

    record AssetRow(String symbol, int decimals) {
    }

    Snapshot reload() {
        Map<String, Integer> decimals = jdbc.sql("SELECT symbol, decimals FROM asset").query(AssetRow.class).list()
                .stream().collect(Collectors.toUnmodifiableMap(AssetRow::symbol, AssetRow::decimals));
        Map<String, MarketUnits> markets = jdbc.sql("""
                SELECT symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity, maker_fee_ppm,
                       taker_fee_ppm, halted FROM market""").query(MarketRow.class).list().stream()
                .collect(Collectors.toUnmodifiableMap(MarketRow::symbol, row -> MarketUnits.of(spec(row),
                        decimals.get(row.baseSymbol()), decimals.get(row.quoteSymbol()), row.halted())));
        Snapshot loaded = new Snapshot(markets, decimals, System.nanoTime());
        snapshot.set(loaded);
        return loaded;
    }

    static MarketSpec spec(MarketRow row) {
        return new MarketSpec(row.symbol(), row.baseSymbol(), row.quoteSymbol(), plain(row.tickSize()),
                plain(row.stepSize()), plain(row.minQuantity()), row.makerFeePpm(), row.takerFeePpm());
    }

    private static String plain(java.math.BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
