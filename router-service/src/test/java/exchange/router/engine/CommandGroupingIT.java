package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Routers append commands in groups (one stream entry for what queued while the previous append was on its
 * way); the engine applies a group's commands in order, bounds its batches by commands, not entries, and skips
 * an unreadable group whole.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(properties = {"exchange.demo.enabled=true", "exchange.engine.batch-max=150"})
class CommandGroupingIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    CommandBus bus;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    EngineProperties properties;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    private long account;

    @BeforeEach
    void newAccount() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() >= 3);
        account = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'grouping')").param(account).update();
    }

    @Test
    void aLargeRequestIsAppendedInBoundedEntriesAndAppliedInOrder() throws Exception {
        long entriesBefore = redis.opsForStream().size(properties.streamKey());
        List<StreamCommand> commands = new ArrayList<>();
        long total = 0;
        for (int i = 1; i <= 250; i++) {
            commands.add(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", i, "d" + i));
            total += i;
        }
        // Succeeds only if it is applied after every deposit before it.
        commands.add(StreamCommand.transfer(StreamCommand.WITHDRAW, account, "USDC", total, "all"));

        List<EngineReply> replies;
        try (Connection blocker = dataSource.getConnection()) {
            // Holds the engine in a commit while the request's entries are appended, so that it reads them all at
            // once and has to split them by its bound.
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("SELECT * FROM engine_state WHERE id = 1 FOR UPDATE");
            }
            CompletableFuture<EngineReply> holder = CompletableFuture.supplyAsync(() -> bus.submit(
                    StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 1L, "holder")),
                    Thread::startVirtualThread);
            CompletableFuture<List<EngineReply>> pending = CompletableFuture.supplyAsync(() -> bus.submitAll(commands),
                    Thread::startVirtualThread);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    redis.opsForStream().size(properties.streamKey()) - entriesBefore == 4);
            blocker.rollback();
            assertThat(holder.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            replies = pending.get(10, TimeUnit.SECONDS);
        }

        assertThat(replies).hasSize(251).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(1);
        // Entries of 100 commands against a bound of 150: no batch took more than the bound plus one entry.
        assertThat(meters.get("exchange.engine.batch.size").summary().max()).isLessThanOrEqualTo(249);
    }

    @Test
    void concurrentRequestsShareEntriesAndEachGetsItsOwnAnswer() throws Exception {
        long entriesBefore = redis.opsForStream().size(properties.streamKey());
        ConcurrentLinkedQueue<EngineReply> replies = new ConcurrentLinkedQueue<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                String externalId = "c" + i;
                executor.submit(() -> replies.add(bus.submit(
                        StreamCommand.transfer(StreamCommand.DEPOSIT, account, "SOL", 1, externalId))));
            }
        }

        assertThat(replies).hasSize(400).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        assertThat(replies.stream().map(EngineReply::requestId).distinct()).hasSize(400);
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'SOL'").param(account)
                .query(Long.class).single()).isEqualTo(400);
        assertThat(redis.opsForStream().size(properties.streamKey()) - entriesBefore).isLessThan(400);
    }

    @Test
    void aGroupWithAnUnreadableCommandIsSkippedWhole() {
        String good = "{\"type\":\"deposit\",\"requestId\":\"x\",\"replyTo\":\"nobody\",\"accountId\":" + account
                + ",\"asset\":\"USDC\",\"amount\":5,\"externalId\":\"skipped\",\"clientId\":-1}";
        redis.opsForStream().add(MapRecord.create(properties.streamKey(),
                Map.of(StreamCommand.MANY_FIELD, "[" + good + ",{\"requestId\":\"no type\"}]")));

        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 7, "after")).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(7);
    }
}
