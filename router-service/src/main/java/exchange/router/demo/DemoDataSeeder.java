package exchange.router.demo;

import java.math.BigDecimal;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seeds the demo assets, markets (SOL_USDC, BTC_USDC, ETH_USDC) and a funded demo account, once: every step is
 * a no-op when its rows exist, so restarts keep whatever the exchange has done since. The deposits are
 * written as ledger entries together with the balances, so conservation holds from the first row.
 */
@Component
@ConditionalOnBooleanProperty("exchange.demo.enabled")
@EnableConfigurationProperties(DemoProperties.class)
class DemoDataSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoDataSeeder.class);

    record DemoAsset(String symbol, String displayName, int decimals, long depositUnits) {
    }

    record DemoMarket(String symbol, String base, String quote, String tick, String step, String minQuantity,
            int makerFeePpm, int takerFeePpm) {
    }

    static final List<DemoAsset> ASSETS = List.of(
            new DemoAsset("USDC", "USD Coin", 6, 1_000_000L * 1_000_000L),
            new DemoAsset("SOL", "Solana", 9, 10_000L * 1_000_000_000L),
            new DemoAsset("BTC", "Bitcoin", 8, 10L * 100_000_000L),
            new DemoAsset("ETH", "Ethereum", 8, 1_000L * 100_000_000L));

    static final List<DemoMarket> MARKETS = List.of(
            new DemoMarket("SOL_USDC", "SOL", "USDC", "0.01", "0.01", "0.01", 200, 500),
            new DemoMarket("BTC_USDC", "BTC", "USDC", "0.1", "0.00001", "0.00001", 200, 500),
            new DemoMarket("ETH_USDC", "ETH", "USDC", "0.01", "0.0001", "0.0001", 200, 500));

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final DemoProperties properties;

    DemoDataSeeder(JdbcClient jdbc, TransactionTemplate transactions, DemoProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        transactions.executeWithoutResult(status -> seed());
    }

    private void seed() {
        // Replicas starting together must not both create the demo account.
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('exchange.demo.seed'))").query().singleValue();
        for (DemoAsset asset : ASSETS) {
            jdbc.sql("INSERT INTO asset (symbol, display_name, decimals) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(asset.symbol(), asset.displayName(), asset.decimals()).update();
        }
        for (DemoMarket market : MARKETS) {
            jdbc.sql("""
                    INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                        maker_fee_ppm, taker_fee_ppm)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                    .params(market.symbol(), market.base(), market.quote(), new BigDecimal(market.tick()),
                            new BigDecimal(market.step()), new BigDecimal(market.minQuantity()),
                            market.makerFeePpm(), market.takerFeePpm())
                    .update();
        }
        String apiKey = properties.apiKey();
        if (apiKey == null || apiKey.isBlank()) {
            log.info("Demo markets ready; no exchange.demo.api-key given, so no demo account");
            return;
        }
        boolean exists = jdbc.sql("SELECT count(*) FROM api_key WHERE public_key = ?").param(apiKey)
                .query(Long.class).single() > 0;
        if (exists) {
            log.info("Demo account already present");
            return;
        }
        long accountId = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'demo')").param(accountId).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(apiKey, accountId).update();
        for (DemoAsset asset : ASSETS) {
            jdbc.sql("""
                    INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id)
                    VALUES (?, ?, 'Deposit', ?, ?)""")
                    .params(accountId, asset.symbol(), asset.depositUnits(), "demo-seed-" + asset.symbol())
                    .update();
            jdbc.sql("INSERT INTO balance (account_id, asset, available, locked) VALUES (?, ?, ?, 0)")
                    .params(accountId, asset.symbol(), asset.depositUnits()).update();
        }
        log.info("Demo account {} created and funded", accountId);
    }
}
