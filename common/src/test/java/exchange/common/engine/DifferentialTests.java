package exchange.common.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs random command sequences through the engine and through {@link ReferenceEngine}, a naive
 * re-implementation of the rules; both must produce exactly the same events, command after command, and
 * the same final state. The default run covers a few hundred seeds; {@code -Pslow} covers thousands.
 */
class DifferentialTests {

    static final int COMMANDS_PER_SEED = 400;

    static List<Long> seeds() {
        return java.util.stream.LongStream.range(0, 300).boxed().toList();
    }

    static List<Long> manySeeds() {
        return java.util.stream.LongStream.range(300, 5_300).boxed().toList();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void engineMatchesTheReferenceModel(long seed) {
        run(seed, COMMANDS_PER_SEED);
    }

    @Tag("slow")
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    void engineMatchesTheReferenceModelForManySeeds(long seed) {
        run(seed, 1_000);
    }

    @Test
    void randomRunsExerciseEveryRule() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (long seed = 0; seed < 20; seed++) {
            RandomCommands generator = new RandomCommands(seed);
            EventRecorder recorder = new EventRecorder();
            MatchingEngine engine = new MatchingEngine(recorder);
            generator.setup().forEach(engine::apply);
            recorder.drain();
            for (int i = 0; i < COMMANDS_PER_SEED; i++) {
                engine.apply(generator.next());
                for (EngineEvent e : recorder.drain()) {
                    String key = switch (e) {
                        case EngineEvent.Rejected r -> "Rejected " + r.reason();
                        case EngineEvent.OrderExpired x -> "Expired " + x.reason();
                        case EngineEvent.OrderCancelled x -> "Cancelled " + x.reason();
                        case EngineEvent.Trade t -> "Trade " + t.takerSide() + "";
                        default -> e.getClass().getSimpleName();
                    };
                    counts.merge(key, 1, Integer::sum);
                }
            }
        }
        // guards the generator: if a rule stops being exercised, the differential test proves little
        assertThat(counts).containsKeys("Cancelled REQUESTED", "Cancelled SELF_TRADE_PREVENTION",
                "Expired FILL_OR_KILL", "Expired IMMEDIATE_OR_CANCEL", "Expired SELF_TRADE_PREVENTION", "OrderFilled",
                "Rejected DUPLICATE_CLIENT_ID", "Rejected INSUFFICIENT_FUNDS", "Rejected MARKET_HALTED",
                "Rejected ORDER_NOT_FOUND", "Rejected POST_ONLY_WOULD_TAKE", "Rejected QUANTITY_BELOW_MINIMUM",
                "Trade Ask", "Trade Bid", "DepthChanged");
        assertThat(counts.get("Trade Ask") + counts.get("Trade Bid")).isGreaterThan(1_000);
    }

    static void run(long seed, int commands) {
        RandomCommands generator = new RandomCommands(seed);
        EventRecorder recorder = new EventRecorder();
        MatchingEngine engine = new MatchingEngine(recorder);
        ReferenceEngine reference = new ReferenceEngine();
        for (Command c : generator.setup()) {
            engine.apply(c);
            assertThat(recorder.drain()).as("seed %d setup %s", seed, c).isEqualTo(reference.apply(c));
        }
        for (int i = 0; i < commands; i++) {
            Command c = generator.next();
            engine.apply(c);
            List<EngineEvent> actual = recorder.drain();
            List<EngineEvent> expected = reference.apply(c);
            assertThat(actual).as("seed %d step %d %s", seed, i, c).isEqualTo(expected);
        }
        assertThat(engine.snapshot()).as("seed %d final state", seed).isEqualTo(reference.snapshot());
    }
}
