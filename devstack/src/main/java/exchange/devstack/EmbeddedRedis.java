package exchange.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real redis-server process (6.2, from {@code com.github.codemonstur:embedded-redis}) on 127.0.0.1.
 *
 * <p>Redis is transport and cache in this platform, never the source of truth, so the server keeps nothing
 * on disk. Thread-safe; {@link #close} stops it.
 */
public final class EmbeddedRedis implements AutoCloseable {

    /** Logical databases the server offers, so that many test contexts can each have their own. */
    public static final int DATABASES = 256;

    private final ManagedProcess process;
    private final int port;
    private final Path workDirectory;

    private EmbeddedRedis(ManagedProcess process, int port, Path workDirectory) {
        this.process = process;
        this.port = port;
        this.workDirectory = workDirectory;
    }

    /**
     * Starts redis-server on {@code port}; {@code workDirectory} holds its log.
     *
     * @throws IllegalStateException with the log tail if it does not answer PING within 30 s
     */
    public static EmbeddedRedis start(Path workDirectory, int port) {
        Path dir = workDirectory.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        List<String> command = List.of(Binaries.redisServer().toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--maxclients", "4000",
                "--databases", Integer.toString(DATABASES));
        ManagedProcess process = ManagedProcess.start("redis", command, Map.of(),
                dir.resolve("redis-" + port + ".log"), "TERM");
        EmbeddedRedis server = new EmbeddedRedis(process, port, dir);
        try {
            process.awaitCondition(server::answersPing, "Redis on port " + port, Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(5));
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** The {@code redis://} URL of this server. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** True when the server answers PING with PONG over a fresh connection. */
    public boolean answersPing() {
        return ping("127.0.0.1", port);
    }

    static boolean ping(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }
}
