package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import exchange.router.system.ApiException;

import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.ObjectMapper;

/**
 * Routers append commands in groups (one stream entry for what queued while the previous append was on its
 * way, a request always whole); the engine applies an entry's commands in order, bounds its batches by commands,
 * not entries, and skips only the commands it cannot read or store.
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

    @Autowired
    ObjectMapper json;

    private long account;

    @BeforeEach
    void newAccount() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM market").query(Long.class).single() >= 3);
        account = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'grouping')").param(account).update();
    }

    @Test
    void entriesReadPastTheBatchBoundGoIntoTheNextBatchInOrder() throws Exception {
        long entriesBefore = redis.opsForStream().size(properties.streamKey());
        long total = 0;
        List<List<StreamCommand>> requests = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            List<StreamCommand> request = new ArrayList<>();
            for (int i = 1; i <= (r < 2 ? 100 : 99); i++) {
                request.add(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", i, r + "-" + i));
                total += i;
            }
            requests.add(request);
        }
        // Succeeds only if it is applied after every deposit before it, in all three entries.
        requests.get(2).add(StreamCommand.transfer(StreamCommand.WITHDRAW, account, "USDC", total, "all"));

        List<CompletableFuture<List<EngineReply>>> replies = new ArrayList<>();
        // The engine is held in a commit while the three entries are appended, so that it reads them at once and
        // has to split them by its bound of 150 commands: two entries (200), then the third from what it read.
        try (HeldCommit held = HeldCommit.hold(dataSource, jdbc, bus, account)) {
            for (int r = 0; r < 3; r++) {
                List<StreamCommand> request = requests.get(r);
                replies.add(CompletableFuture.supplyAsync(() -> bus.submitAll(request), Thread::startVirtualThread));
                long expected = r + 2;
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                        redis.opsForStream().size(properties.streamKey()) - entriesBefore == expected);
            }
            assertThat(held.release().status()).isEqualTo(200);
        }

        for (CompletableFuture<List<EngineReply>> request : replies) {
            assertThat(request.get(10, TimeUnit.SECONDS)).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        }
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(1);
        // Entries of 100 commands against a bound of 150: no batch took more than the bound plus one entry.
        assertThat(meters.get("exchange.engine.batch.size").summary().max()).isLessThanOrEqualTo(249);
    }

    @Test
    void aRequestLargerThanAGroupIsOneEntry() {
        long entriesBefore = redis.opsForStream().size(properties.streamKey());
        List<StreamCommand> commands = new ArrayList<>();
        for (int i = 1; i <= 130; i++) {
            commands.add(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 1, "large-" + i));
        }

        assertThat(bus.submitAll(commands)).hasSize(130)
                .allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        assertThat(redis.opsForStream().size(properties.streamKey()) - entriesBefore).isEqualTo(1);
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(130);
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
    void anUnreadableCommandInAGroupCostsOnlyItself() {
        String good = json.writeValueAsString(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 5, "kept")
                .addressed("x", "nobody"));
        redis.opsForStream().add(MapRecord.create(properties.streamKey(),
                Map.of(StreamCommand.MANY_FIELD, "[" + good + ",{\"requestId\":\"no type\"},{\"type\":[1]}]")));

        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 7, "after")).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(12);
    }

    @Test
    void aTransferWhoseIdPostgreSqlCannotStoreIsRefusedByTheEngine() {
        // As a router from before the API check could have appended it: a NUL would fail every commit retry.
        String nul = json.writeValueAsString(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 5, "a\u0000b")
                .addressed("y", "nobody"));
        assertThat(nul).contains("a\\u0000b");
        redis.opsForStream().add(MapRecord.create(properties.streamKey(), Map.of(StreamCommand.ONE_FIELD, nul)));

        assertThat(bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 7, "next")).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).single()).isEqualTo(7);
    }

    @Test
    void aRequestUnansweredWithinTheAckTimeoutGets503TimeoutAndItsCommandStillApplies() throws Exception {
        long waited;
        try (HeldCommit held = HeldCommit.hold(dataSource, jdbc, bus, account)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> bus.submit(StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 5,
                    "late")))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                        assertThat(e.code()).isEqualTo("TIMEOUT");
                    });
            waited = System.nanoTime() - start;
        }
        // Ended by the deadline sweep: not before the ack timeout, and at most a tick or so after it.
        assertThat(Duration.ofNanos(waited)).isBetween(properties.ackTimeout(), properties.ackTimeout().plusSeconds(1));
        // Appended before the time-out: applied once the commit goes through, as the message says it may be.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT available FROM balance WHERE account_id = ? AND asset = 'USDC'").param(account)
                .query(Long.class).optional().orElse(0L) == 6);
    }
}
