package exchange.common.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import exchange.common.book.OrderStatus;
import exchange.common.book.Side;

/**
 * Checks the engine's invariants after every command of random runs:
 * <ul>
 * <li>conservation: per asset, available + locked over all accounts (fee account included) equals
 * deposits minus withdrawals;
 * <li>no negative balance;
 * <li>the book is never crossed and holds no empty order;
 * <li>every locked unit is accounted for by a resting order, and every resting order locks exactly its
 * remaining value;
 * <li>client ids are unique among an account's open orders;
 * <li>event sequence numbers are contiguous, depth update ids are contiguous per market with at most one
 * depth event per market and command, and a rejected command yields nothing but its rejection;
 * <li>rebuild-then-continue equals continue: a shadow engine is rebuilt from a snapshot every few
 * commands and must then produce the same events and state as the original.
 * </ul>
 */
class InvariantTests {

    /** Quote units per tick*step and base units per step of the markets {@link RandomCommands} creates. */
    private static final Map<String, long[]> UNITS = Map.of("SOL_USDC", new long[] {100, 10_000_000},
            "BTC_USDC", new long[] {100, 10_000});
    private static final int REBUILD_EVERY = 17;

    static List<Long> seeds() {
        return LongStream.range(10_000, 10_200).boxed().toList();
    }

    static List<Long> manySeeds() {
        return LongStream.range(20_000, 22_000).boxed().toList();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAfterEveryCommand(long seed) {
        run(seed, 300);
    }

    @Tag("slow")
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    void invariantsHoldAfterEveryCommandForManySeeds(long seed) {
        run(seed, 600);
    }

    private static void run(long seed, int commands) {
        RandomCommands generator = new RandomCommands(seed);
        EventRecorder recorder = new EventRecorder();
        MatchingEngine engine = new MatchingEngine(recorder);
        EventRecorder shadowRecorder = new EventRecorder();
        MatchingEngine shadow = null;
        Map<String, Long> supply = new HashMap<>();
        Map<String, Long> lastUpdateId = new HashMap<>();
        long expectedSequence = 1;
        List<Command> setup = generator.setup();
        for (int i = 0; i < setup.size() + commands; i++) {
            Command c = i < setup.size() ? setup.get(i) : generator.next();
            if (i % REBUILD_EVERY == 0) {
                shadow = MatchingEngine.restore(engine.snapshot(), shadowRecorder);
            }
            engine.apply(c);
            List<EngineEvent> events = recorder.drain();
            shadow.apply(c);
            assertThat(shadowRecorder.drain()).as("seed %d step %d: rebuilt engine diverged", seed, i)
                    .isEqualTo(events);
            for (EngineEvent e : events) {
                assertThat(e.sequence()).as("seed %d step %d: event sequence gap", seed, i).isEqualTo(expectedSequence++);
                assertThat(e.commandId()).isEqualTo(c.commandId());
                if (e instanceof EngineEvent.DepthChanged d) {
                    long previous = lastUpdateId.getOrDefault(d.symbol(), 0L);
                    assertThat(d.updateId()).as("seed %d step %d: depth update id gap", seed, i).isEqualTo(previous + 1);
                    lastUpdateId.put(d.symbol(), d.updateId());
                    assertThat(d.bids().size() + d.asks().size()).isPositive();
                }
            }
            assertThat(events.stream().filter(e -> e instanceof EngineEvent.DepthChanged)
                    .map(e -> ((EngineEvent.DepthChanged) e).symbol())).as("one depth event per market").doesNotHaveDuplicates();
            boolean rejected = events.stream().anyMatch(e -> e instanceof EngineEvent.Rejected);
            if (rejected) {
                assertThat(events).as("a rejected command has no other effect").hasSize(1);
            }
            if (!rejected && c instanceof Command.Deposit d) {
                supply.merge(d.asset(), d.amount(), Long::sum);
            }
            if (!rejected && c instanceof Command.Withdraw w) {
                supply.merge(w.asset(), -w.amount(), Long::sum);
            }
            EngineState state = engine.snapshot();
            check(state, supply, "seed " + seed + " step " + i + " " + c);
            if (i % REBUILD_EVERY == REBUILD_EVERY - 1) {
                assertThat(shadow.snapshot()).isEqualTo(state);
            }
        }
    }

    private static void check(EngineState state, Map<String, Long> supply, String where) {
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> lockedByOrders = new HashMap<>();
        for (EngineState.BalanceState b : state.balances()) {
            assertThat(b.available()).as(where + " negative available " + b).isNotNegative();
            assertThat(b.locked()).as(where + " negative locked " + b).isNotNegative();
            total.merge(b.asset(), b.available() + b.locked(), Long::sum);
        }
        for (String asset : supply.keySet()) {
            assertThat(total.getOrDefault(asset, 0L)).as(where + " conservation of " + asset)
                    .isEqualTo(supply.get(asset));
        }
        for (EngineState.MarketState m : state.markets()) {
            long[] units = UNITS.get(m.spec().symbol());
            if (!m.bids().isEmpty() && !m.asks().isEmpty()) {
                assertThat(m.bids().get(0).price()).as(where + " crossed book").isLessThan(m.asks().get(0).price());
            }
            Set<String> clientIds = new HashSet<>();
            for (List<OrderSnapshot> side : List.of(m.bids(), m.asks())) {
                for (OrderSnapshot o : side) {
                    long remaining = o.quantity() - o.executedQuantity();
                    assertThat(remaining).as(where + " empty resting order " + o).isPositive();
                    assertThat(o.status()).isEqualTo(o.executedQuantity() == 0 ? OrderStatus.New
                            : OrderStatus.PartiallyFilled);
                    long expectedLock = o.side() == Side.Bid ? o.price() * remaining * units[0] : remaining * units[1];
                    assertThat(o.locked()).as(where + " lock of " + o).isEqualTo(expectedLock);
                    String asset = o.side() == Side.Bid ? m.spec().quoteAsset() : m.spec().baseAsset();
                    lockedByOrders.merge(o.accountId() + "/" + asset, o.locked(), Long::sum);
                    if (o.clientId() >= 0) {
                        assertThat(clientIds.add(o.accountId() + "/" + o.clientId()))
                                .as(where + " duplicate open client id " + o).isTrue();
                    }
                }
            }
            // the book is also ordered by price-time priority
            for (int i = 1; i < m.bids().size(); i++) {
                OrderSnapshot a = m.bids().get(i - 1);
                OrderSnapshot b = m.bids().get(i);
                assertThat(a.price() > b.price() || a.price() == b.price() && a.orderId() < b.orderId()).isTrue();
            }
            for (int i = 1; i < m.asks().size(); i++) {
                OrderSnapshot a = m.asks().get(i - 1);
                OrderSnapshot b = m.asks().get(i);
                assertThat(a.price() < b.price() || a.price() == b.price() && a.orderId() < b.orderId()).isTrue();
            }
        }
        for (EngineState.BalanceState b : state.balances()) {
            assertThat(b.locked()).as(where + " locked funds without orders " + b)
                    .isEqualTo(lockedByOrders.getOrDefault(b.accountId() + "/" + b.asset(), 0L));
        }
        // clientId uniqueness is per account across markets too
        Set<String> all = new HashSet<>();
        state.markets().forEach(m -> List.of(m.bids(), m.asks()).forEach(side -> side.stream()
                .filter(o -> o.clientId() >= 0)
                .forEach(o -> assertThat(all.add(o.accountId() + "/" + o.clientId())).as(where).isTrue())));
    }
}
