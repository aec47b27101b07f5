package exchange.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server process run from zonky's binaries, listening on 127.0.0.1 only, with trust
 * authentication for the {@value #SUPERUSER} user.
 *
 * <p>Why not zonky's own {@code EmbeddedPostgres}: PostgreSQL refuses to run as root, and CI runs as root.
 * When this JVM is root the server runs inside a user namespace in which our uid maps to an unprivileged
 * one ({@code unshare --user --map-user}), so no account or chown is needed and the data directory may live
 * anywhere root can write.
 *
 * <p>A data directory that already holds a cluster is reused, which is how the local stack keeps its state
 * across restarts. Thread-safe; {@link #close} stops the server (fast shutdown).
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String SUPERUSER = "postgres";

    private final ManagedProcess process;
    private final int port;
    private final Path dataDirectory;

    private EmbeddedPostgres(ManagedProcess process, int port, Path dataDirectory) {
        this.process = process;
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts a server on {@code port} with its cluster in {@code dataDirectory} (created by initdb if empty).
     *
     * @param durable false turns fsync off, for throw-away test clusters; the commit protocol is unchanged
     * @throws IllegalStateException with the server log tail if it does not come up within 60 s
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port, boolean durable) {
        Path home = Binaries.postgresHome();
        Path data = dataDirectory.toAbsolutePath();
        Path log = data.resolveSibling(data.getFileName() + ".log");
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the PostgreSQL data directory " + data, e);
        }
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            initdb(home, data, log);
        }
        List<String> command = new ArrayList<>(unprivileged());
        command.addAll(List.of(home.resolve("bin/postgres").toString(),
                "-D", data.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "max_connections=300",
                "-c", "shared_buffers=128MB",
                // A new 16 MB WAL segment is otherwise filled with zeros by the backend that needs it, inside
                // its commit: under sustained order flow that stalled one engine commit every ~3 s by 20-60 ms
                // (wait event IO/WalInitWrite), which was the pipeline's whole p99. k8s/ and compose set it too.
                "-c", "wal_init_zero=off",
                "-c", "fsync=" + (durable ? "on" : "off"),
                "-c", "full_page_writes=" + (durable ? "on" : "off")));
        ManagedProcess process = ManagedProcess.start("postgres", command,
                Map.of("LC_ALL", "C", "TZ", "UTC"), log, "INT");
        EmbeddedPostgres server = new EmbeddedPostgres(process, port, data);
        try {
            process.awaitCondition(server::acceptsQueries, "PostgreSQL on port " + port, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(5));
            throw e;
        }
        return server;
    }

    private static void initdb(Path home, Path data, Path log) {
        List<String> command = new ArrayList<>(unprivileged());
        command.addAll(List.of(home.resolve("bin/initdb").toString(),
                "-D", data.toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        ManagedProcess initdb = ManagedProcess.start("initdb", command, Map.of("LC_ALL", "C"), log, "TERM");
        try {
            ProcessHandle handle = ProcessHandle.of(initdb.pid()).orElseThrow();
            handle.onExit().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            initdb.stop(Duration.ofSeconds(1));
            throw new IllegalStateException("initdb did not finish: " + initdb.logTail(30), e);
        }
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            throw new IllegalStateException("initdb failed for " + data + ":\n" + initdb.logTail(30));
        }
    }

    /**
     * The command prefix that drops root: PostgreSQL exits at once when its effective uid is 0.
     */
    private static List<String> unprivileged() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        return List.of("unshare", "--user", "--map-user=1000", "--map-group=1000");
    }

    private boolean acceptsQueries() {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
             Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException notYet) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public long pid() {
        return process.pid();
    }

    /** A JDBC URL for {@code database} on this server (user {@value #SUPERUSER}, no password). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates {@code database} unless it exists. */
    public void createDatabaseIfMissing(String database) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "")) {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, database);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database, e);
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
