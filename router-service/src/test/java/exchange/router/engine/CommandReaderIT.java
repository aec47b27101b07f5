package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import tools.jackson.databind.ObjectMapper;

/**
 * The engine's command reader against a real Redis: stream order, parsing of single and grouped entries, the
 * batch bound, unreadable entries, the starting point, reading ahead (bounded) only while the engine is busy.
 */
@ExtendWith(RealInfrastructure.class)
class CommandReaderIT {

    private static final String STREAM = "exchange:commands";

    private final ObjectMapper json = new ObjectMapper();
    private LettuceConnectionFactory connections;
    private StringRedisTemplate redis;

    @BeforeEach
    void connect() {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(infrastructure.redisHost(),
                infrastructure.redisPort());
        server.setDatabase(infrastructure.nextRedisDatabase());
        connections = new LettuceConnectionFactory(server);
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
        redis.delete(STREAM);
    }

    @AfterEach
    void disconnect() {
        connections.destroy();
    }

    @Test
    void entriesComeInStreamOrderParsedWithGroupsKeptWhole() {
        String first = append(List.of(deposit(1)));
        String second = append(List.of(deposit(2), deposit(3), deposit(4)));
        String third = append(List.of(deposit(5)));

        try (CommandReader reader = new CommandReader(connections, json, STREAM, 2_000, "0-0")) {
            List<CommandReader.Entry> entries = takeAll(reader, 3);

            assertThat(entries).extracting(CommandReader.Entry::streamId).containsExactly(first, second, third);
            assertThat(entries).flatExtracting(CommandReader.Entry::commands)
                    .extracting(StreamCommand::externalId).containsExactly("d1", "d2", "d3", "d4", "d5");
        }
    }

    @Test
    void aTakeStopsAtTheBatchBoundButNeverSplitsAnEntry() {
        append(List.of(deposit(1), deposit(2)));
        append(List.of(deposit(3), deposit(4)));
        append(List.of(deposit(5)));

        try (CommandReader reader = new CommandReader(connections, json, STREAM, 2_000, "0-0")) {
            List<CommandReader.Entry> firstTake = reader.take(3, Duration.ofSeconds(5));
            List<CommandReader.Entry> secondTake = reader.take(3, Duration.ofSeconds(5));

            // 2 commands, then 2 more pass the bound of 3: the group goes whole, nothing after it.
            assertThat(firstTake).hasSize(2);
            assertThat(secondTake).hasSize(1);
            assertThat(secondTake.getFirst().commands()).extracting(StreamCommand::externalId).containsExactly("d5");
        }
    }

    @Test
    void itStartsAfterTheGivenIdAndWaitsForNewEntries() {
        append(List.of(deposit(1)));
        String committed = append(List.of(deposit(2)));

        try (CommandReader reader = new CommandReader(connections, json, STREAM, 2_000, committed)) {
            assertThat(reader.take(100, Duration.ofMillis(200))).isEmpty();
            append(List.of(deposit(3)));

            List<CommandReader.Entry> entries = reader.take(100, Duration.ofSeconds(5));

            assertThat(entries).flatExtracting(CommandReader.Entry::commands)
                    .extracting(StreamCommand::externalId).containsExactly("d3");
        }
    }

    @Test
    void anUnreadableEntryComesWithoutCommandsAndABadCommandInAGroupCostsOnlyItself() {
        String garbage = redis.opsForStream().add(STREAM, Map.of(StreamCommand.ONE_FIELD, "{not json")).getValue();
        String group = redis.opsForStream().add(STREAM, Map.of(StreamCommand.MANY_FIELD,
                "[" + json.writeValueAsString(deposit(1)) + ",{\"amount\":\"x\"}," + json.writeValueAsString(deposit(2))
                        + "]")).getValue();

        try (CommandReader reader = new CommandReader(connections, json, STREAM, 2_000, "0-0")) {
            List<CommandReader.Entry> entries = takeAll(reader, 2);

            assertThat(entries).extracting(CommandReader.Entry::streamId).containsExactly(garbage, group);
            assertThat(entries.getFirst().commands()).isEmpty();
            assertThat(entries.get(1).commands()).extracting(StreamCommand::externalId).containsExactly("d1", "d2");
        }
    }

    @Test
    void whileTheEngineIsBusyItReadsAheadABoundedAmountAndTheRestWaitsInTheStream() throws Exception {
        int batchMax = 10;
        for (int i = 0; i < 100; i++) {
            append(List.of(deposit(i)));
        }

        try (CommandReader reader = new CommandReader(connections, json, STREAM, batchMax, "0-0")) {
            assertThat(reader.readyCommands()).isZero();
            List<CommandReader.Entry> first = reader.take(batchMax, Duration.ofSeconds(5));
            // The engine now applies and commits what it took, for as long as it likes.
            Thread.sleep(500);
            int ready = reader.readyCommands();

            assertThat(first).hasSize(batchMax);
            // Two batches, plus at most the one read of about a batch that was under way.
            assertThat(ready).isGreaterThanOrEqualTo(2 * batchMax).isLessThanOrEqualTo(3 * batchMax);
            List<CommandReader.Entry> rest = takeAll(reader, 100 - batchMax);
            assertThat(rest).flatExtracting(CommandReader.Entry::commands).extracting(StreamCommand::externalId)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(batchMax, 100).mapToObj(i -> "d" + i)
                            .toList());
        }
    }

    @Test
    void anIdleEngineReadsNothingAheadAndStillGetsANewEntryAtOnce() throws Exception {
        try (CommandReader reader = new CommandReader(connections, json, STREAM, 2_000, "0-0")) {
            assertThat(reader.take(100, Duration.ofMillis(100))).isEmpty();
            Thread.sleep(200);
            append(List.of(deposit(1)));
            Thread.sleep(200);
            assertThat(reader.readyCommands()).isZero();

            assertThat(reader.take(100, Duration.ofMillis(100))).flatExtracting(CommandReader.Entry::commands)
                    .extracting(StreamCommand::externalId).containsExactly("d1");
        }
    }

    @Test
    void entriesAppendedWhileTheEngineWorksAreTakenEachOnceInOrder() throws Exception {
        int total = 3_000;
        Thread appender = Thread.ofPlatform().start(() -> {
            int n = 0;
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            while (n < total) {
                int group = Math.min(total - n, 1 + random.nextInt(random.nextBoolean() ? 1 : 40));
                List<StreamCommand> commands = new ArrayList<>();
                for (int i = 0; i < group; i++) {
                    commands.add(deposit(n++));
                }
                append(commands);
            }
        });

        List<String> taken = new ArrayList<>();
        try (CommandReader reader = new CommandReader(connections, json, STREAM, 50, "0-0")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (taken.size() < total && System.nanoTime() < deadline) {
                for (CommandReader.Entry entry : reader.take(50, Duration.ofMillis(50))) {
                    entry.commands().forEach(c -> taken.add(c.externalId()));
                }
                // Applying and committing: the reader reads ahead meanwhile.
                Thread.sleep(0, 300_000);
            }
        }
        appender.join();

        assertThat(taken).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, total).mapToObj(i -> "d" + i).toList());
    }

    @Test
    void aNewTermsReaderContinuesRightAfterTheCommittedEntryWhateverTheOldOneReadAhead() throws Exception {
        for (int i = 0; i < 30; i++) {
            append(List.of(deposit(i)));
        }
        String committed;
        try (CommandReader old = new CommandReader(connections, json, STREAM, 10, "0-0")) {
            committed = old.take(10, Duration.ofSeconds(5)).getLast().streamId();
            Thread.sleep(200);
            assertThat(old.readyCommands()).isPositive();
        }

        try (CommandReader next = new CommandReader(connections, json, STREAM, 10, committed)) {
            assertThat(takeAll(next, 20)).flatExtracting(CommandReader.Entry::commands)
                    .extracting(StreamCommand::externalId)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(10, 30).mapToObj(i -> "d" + i).toList());
        }
    }

    private List<CommandReader.Entry> takeAll(CommandReader reader, int entries) {
        List<CommandReader.Entry> taken = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (taken.size() < entries && System.nanoTime() < deadline) {
            taken.addAll(reader.take(1_000, Duration.ofMillis(200)));
        }
        return taken;
    }

    private String append(List<StreamCommand> commands) {
        Map<String, String> fields = commands.size() == 1
                ? Map.of(StreamCommand.ONE_FIELD, json.writeValueAsString(commands.getFirst()))
                : Map.of(StreamCommand.MANY_FIELD, json.writeValueAsString(commands));
        return redis.opsForStream().add(STREAM, fields).getValue();
    }

    private static StreamCommand deposit(int n) {
        return StreamCommand.transfer(StreamCommand.DEPOSIT, 1, "USDC", 1_000, "d" + n);
    }
}
