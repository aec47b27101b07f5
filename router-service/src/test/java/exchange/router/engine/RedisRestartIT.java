package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;
import exchange.router.system.ApiException;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis crashes and comes back empty in the middle of order flow: the router and the engine leader reconnect
 * by themselves, order entry works again without a restart, and nothing acknowledged before is lost.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "exchange.demo.enabled=true")
class RedisRestartIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    CommandBus bus;

    @Autowired
    JdbcClient jdbc;

    @Test
    void orderEntryResumesByItselfAndNothingAcknowledgedIsLost() {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        if (infrastructure.embeddedRedis() == null) {
            return;
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() == 3);
        long account = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'redis-restart')").param(account).update();
        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 1_000_000_000L, "d1"))
                .status()).isEqualTo(200);
        EngineReply before = bus.submit(bid(account, 1));
        assertThat(before.status()).isEqualTo(200);

        infrastructure.restartRedis(Duration.ofSeconds(1));

        long restarted = System.nanoTime();
        EngineReply after = Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .ignoreException(ApiException.class)
                .until(() -> bus.submit(bid(account, 2)), reply -> reply.status() == 200);
        System.out.printf("redis restart: order entry back %.1f s after Redis was up again%n",
                (System.nanoTime() - restarted) / 1e9);
        assertThat(after.body()).contains("\"clientId\":2");
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ? AND client_id IN (1, 2)")
                .param(account).query(Long.class).single()).isEqualTo(2);
        // Retries during the outage carried the same clientId: at most one order each.
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE account_id = ?").param(account)
                .query(Long.class).single()).isEqualTo(2);
    }

    private static StreamCommand bid(long account, long clientId) {
        return StreamCommand.place(account, "SOL_USDC", "Bid", "Limit", 100 * 100, 100, 0, "GTC", false,
                "RejectTaker", clientId);
    }
}
