package exchange.router.demo;

import java.time.Duration;
import java.util.List;

import exchange.common.engine.MarketSpec;
import exchange.router.engine.CommandBus;
import exchange.router.engine.EngineReply;
import exchange.router.engine.StreamCommand;
import exchange.router.system.ApiException;

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
 * skipped when it was done before, so restarts keep whatever the exchange has done since. Assets, markets and
 * deposits are engine commands like any other, so the engine, the ledger and the balances agree.
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

    private static final Duration LEADER_WAIT = Duration.ofSeconds(90);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final DemoProperties properties;
    private final CommandBus bus;

    DemoDataSeeder(JdbcClient jdbc, TransactionTemplate transactions, DemoProperties properties, CommandBus bus) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.bus = bus;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (DemoAsset asset : ASSETS) {
            if (!exists("SELECT count(*) FROM asset WHERE symbol = ?", asset.symbol())) {
                submit(StreamCommand.createAsset(asset.symbol(), asset.decimals()));
            }
            jdbc.sql("UPDATE asset SET display_name = ? WHERE symbol = ?")
                    .params(asset.displayName(), asset.symbol()).update();
        }
        for (DemoMarket market : MARKETS) {
            if (!exists("SELECT count(*) FROM market WHERE symbol = ?", market.symbol())) {
                submit(StreamCommand.createMarket(new MarketSpec(market.symbol(), market.base(), market.quote(),
                        market.tick(), market.step(), market.minQuantity(), market.makerFeePpm(),
                        market.takerFeePpm())));
            }
        }
        String apiKey = properties.apiKey();
        if (apiKey == null || apiKey.isBlank()) {
            log.info("Demo markets ready; no exchange.demo.api-key given, so no demo account");
            return;
        }
        Long accountId = transactions.execute(status -> account(apiKey));
        for (DemoAsset asset : ASSETS) {
            // Idempotent by the external id: a restart or a second replica does not deposit twice.
            submit(StreamCommand.transfer(StreamCommand.DEPOSIT, accountId, asset.symbol(), asset.depositUnits(),
                    "demo-seed-" + asset.symbol()));
        }
        log.info("Demo account {} ready", accountId);
    }

    private Long account(String apiKey) {
        // Replicas starting together must not both create the demo account.
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('exchange.demo.seed'))").query().singleValue();
        return jdbc.sql("SELECT account_id FROM api_key WHERE public_key = ?").param(apiKey).query(Long.class)
                .optional().orElseGet(() -> {
                    long id = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
                    jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'demo')").param(id).update();
                    jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?)").params(apiKey, id).update();
                    return id;
                });
    }

    private boolean exists(String sql, String key) {
        return jdbc.sql(sql).param(key).query(Long.class).single() > 0;
    }

    /** Submits through the engine, waiting for a leader (the local stack starts both at once). */
    private void submit(StreamCommand command) {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                EngineReply reply = bus.submit(command);
                if (reply.status() != 200) {
                    log.info("Demo seed step {} answered {}: {}", command.type(), reply.status(), reply.body());
                }
                return;
            } catch (ApiException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("No engine leader for the demo seed within " + LEADER_WAIT, e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }
}
