package exchange.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process started by the devstack (PostgreSQL, Redis or one of the apps), with its output sent to a
 * log file and a stop that escalates from a polite signal to a kill.
 *
 * <p>Thread-safe: {@link #stop} may be called from a shutdown hook while another thread waits on it.
 */
public final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path logFile;
    private final String stopSignal;

    private ManagedProcess(String name, Process process, Path logFile, String stopSignal) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.stopSignal = stopSignal;
    }

    /**
     * Starts {@code command}, appending its stdout and stderr to {@code logFile}.
     *
     * @param stopSignal the signal {@link #stop} sends first (e.g. {@code INT} for PostgreSQL's fast shutdown,
     *                   {@code TERM} for a Spring Boot graceful shutdown)
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
            Path logFile, String stopSignal) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            return new ManagedProcess(name, builder.start(), logFile, stopSignal);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Blocks until {@code host:port} accepts TCP connections.
     *
     * @throws IllegalStateException if the process exits first or the timeout passes; the message carries the
     *                               end of its log
     */
    public void awaitPort(String host, int port, Duration timeout) {
        awaitCondition(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }, "port " + port, timeout);
    }

    /**
     * Polls {@code ready} every 100 ms until it returns true, failing fast with the log tail if the process dies.
     */
    public void awaitCondition(ReadyCheck ready, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before " + what + " was ready. Last lines of " + logFile + ":\n" + logTail(40));
            }
            if (ready.isReady()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": " + what + " not ready after " + timeout
                        + ". Last lines of " + logFile + ":\n" + logTail(40));
            }
            sleep(100);
        }
    }

    /** The last {@code lines} lines of the process log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Sends the stop signal, waits up to {@code grace}, then kills. Idempotent.
     *
     * @return the exit code, or -1 if it had to be killed
     */
    public int stop(Duration grace) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        try {
            new ProcessBuilder("kill", "-" + stopSignal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** SIGKILL, as a crash looks to everyone else; waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A readiness probe polled by {@link #awaitCondition}. */
    @FunctionalInterface
    public interface ReadyCheck {
        boolean isReady();
    }
}
