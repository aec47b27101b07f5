package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import exchange.common.engine.MarketSpec;
import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The batch statement carries the lease fence, {@code engine_state} and the markets' depth update ids with the
 * batch's rows; these check what it must get right besides the fence itself ({@code LeaderLeaseTests}) and the
 * rows ({@code EngineStoreIT}).
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(properties = "exchange.demo.enabled=true")
class EngineCommitIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    CommandBus bus;

    @Autowired
    EngineStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Test
    void aMarketCreatedAndTradedInOneBatchKeepsItsDepthUpdateId() throws Exception {
        awaitMarkets();
        long account = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'one-batch')").param(account).update();
        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 1_000_000_000L, "d1"))
                .status()).isEqualTo(200);

        CompletableFuture<List<EngineReply>> replies;
        // While the leader waits to commit one batch, the next commands pile up in the stream and are read,
        // applied and committed together.
        try (HeldCommit held = HeldCommit.hold(dataSource, jdbc, bus, account)) {
            replies = CompletableFuture.supplyAsync(() -> bus.submitAll(List.of(
                    StreamCommand.createAsset("ZED", 6),
                    StreamCommand.createMarket(new MarketSpec("ZED_USDC", "ZED", "USDC", "0.01", "0.1", "0.1", 0, 0)),
                    StreamCommand.place(account, "ZED_USDC", "Bid", "Limit", 150, 20, 0, "GTC", false, "RejectTaker",
                            StreamCommand.NO_CLIENT_ID))), Thread::startVirtualThread);
            Thread.sleep(500);
            assertThat(held.release().status()).isEqualTo(200);
        }
        assertThat(replies.get(10, TimeUnit.SECONDS)).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));

        // The resting bid moved the new market's depth sequence; a leader that rebuilds from PostgreSQL must
        // continue it, not restart it.
        assertThat(jdbc.sql("SELECT depth_update_id FROM market WHERE symbol = 'ZED_USDC'").query(Long.class)
                .single()).isPositive();
    }

    @Test
    void aFencedCommitChangesNothing() {
        awaitMarkets();
        Map<String, Object> stateBefore = jdbc.sql("SELECT * FROM engine_state WHERE id = 1").query().singleRow();
        long depthBefore = jdbc.sql("SELECT depth_update_id FROM market WHERE symbol = 'SOL_USDC'")
                .query(Long.class).single();
        long staleEpoch = jdbc.sql("SELECT epoch FROM engine_lease WHERE id = 1").query(Long.class).single() - 1;

        Batch batch = new Batch();
        batch.lastStreamId = "99999999999999-0";
        batch.lastCommandId = 999_999;
        batch.nextOrderId = 999_999;
        batch.nextTradeId = 999_999;
        batch.nextSequence = 999_999;
        batch.depthUpdateIds.put("SOL_USDC", 999_999L);
        LeaderLease stale = new LeaderLease(jdbc, "stale-leader", Duration.ofSeconds(3));

        assertThatThrownBy(() -> store.commit(stale, staleEpoch, batch, Map.of(), Map.of()))
                .isInstanceOf(LeaderLease.FencedException.class);
        assertThat(jdbc.sql("SELECT * FROM engine_state WHERE id = 1").query().singleRow()).isEqualTo(stateBefore);
        assertThat(jdbc.sql("SELECT depth_update_id FROM market WHERE symbol = 'SOL_USDC'").query(Long.class)
                .single()).isEqualTo(depthBefore);
    }

    private void awaitMarkets() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() >= 3);
    }
}
