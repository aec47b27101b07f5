package exchange.benchmarks.engine;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import exchange.common.engine.Command;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.EventRecorder;
import exchange.common.engine.MatchingEngine;

/**
 * One command per invocation of the {@link Workload} mix, single thread.
 *
 * <ul>
 * <li>{@code core}: the engine with a non-allocating listener: what the engine itself costs.
 * <li>{@code records}: the engine with {@link EventRecorder}, draining the immutable event records per
 * command: what a host using the default API pays.
 * </ul>
 *
 * Commands are pre-generated (their allocation is not measured). When the pre-generated sequence runs out
 * the engine is restored from the workload's initial snapshot and the sequence replays; that restore is
 * inside the measurement, amortised over {@value #COMMANDS} commands.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MatchingEngineBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatchingEngineBenchmark {

    static final int COMMANDS = 1_000_000;

    @Param({"core", "records"})
    public String sink;

    private Workload workload;
    private Command[] commands;
    private MatchingEngine engine;
    private NoOpListener noOp;
    private EventRecorder recorder;
    private int next;
    private boolean records;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(42, COMMANDS);
        commands = workload.commands;
        noOp = new NoOpListener();
        recorder = new EventRecorder();
        records = sink.equals("records");
        restart();
        System.out.printf("%nbook at start: %d orders on %d levels; after the %d commands: %d orders on %d levels%n",
                workload.bookOrdersAtStart, workload.bookLevelsAtStart, COMMANDS, workload.bookOrdersAtEnd,
                workload.bookLevelsAtEnd);
    }

    private void restart() {
        engine = MatchingEngine.restore(workload.initialState, records ? recorder : noOp);
        next = 0;
    }

    @Benchmark
    public void apply(Blackhole blackhole) {
        if (next == commands.length) {
            restart();
        }
        engine.apply(commands[next++]);
        if (records) {
            List<EngineEvent> events = recorder.drain();
            blackhole.consume(events);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown(Blackhole blackhole) {
        blackhole.consume(noOp.checksum);
    }
}
