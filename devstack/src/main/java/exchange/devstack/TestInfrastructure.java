package exchange.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.flywaydb.core.Flyway;

/**
 * One real PostgreSQL and one real Redis per test JVM, started on first use and stopped when the JVM exits.
 *
 * <p>By default both are embedded server processes on free ports. {@code EXCHANGE_TEST_POSTGRES_URL} (a
 * JDBC URL of a database the user may {@code CREATE DATABASE} from, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}) and {@code EXCHANGE_TEST_REDIS_URL}
 * (e.g. {@code redis://127.0.0.1:6379}) point the tests at existing servers instead.
 *
 * <p>The production migrations ({@code classpath:db/migration}) are applied once to a template database;
 * {@link #newDatabase()} then clones it, so each test class gets an isolated, fully migrated database in
 * milliseconds. Thread-safe.
 */
public final class TestInfrastructure {

    private static TestInfrastructure shared;

    private final String adminUrl;
    private final String templateName;
    private final EmbeddedPostgres embeddedPostgres;
    private volatile EmbeddedRedis embeddedRedis;
    private final String redisHost;
    private final int redisPort;
    private final Path workDirectory;
    private final AtomicInteger databases = new AtomicInteger();
    private final AtomicInteger redisDatabases = new AtomicInteger();
    private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

    private TestInfrastructure() {
        try {
            workDirectory = Files.createTempDirectory("exchange-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String postgresUrl = System.getenv("EXCHANGE_TEST_POSTGRES_URL");
        if (postgresUrl != null && !postgresUrl.isBlank()) {
            embeddedPostgres = null;
            adminUrl = postgresUrl;
        } else {
            embeddedPostgres = EmbeddedPostgres.start(workDirectory.resolve("postgres"), freePort(), false);
            adminUrl = embeddedPostgres.jdbcUrl("postgres") + "?user=" + EmbeddedPostgres.SUPERUSER;
        }
        String redisUrl = System.getenv("EXCHANGE_TEST_REDIS_URL");
        if (redisUrl != null && !redisUrl.isBlank()) {
            URI uri = URI.create(redisUrl);
            redisHost = uri.getHost();
            redisPort = uri.getPort() > 0 ? uri.getPort() : 6379;
        } else {
            redisHost = "127.0.0.1";
            redisPort = freePort();
            embeddedRedis = EmbeddedRedis.start(workDirectory.resolve("redis"), redisPort);
        }
        templateName = "exchange_template_" + ProcessHandle.current().pid();
        execute("DROP DATABASE IF EXISTS " + templateName);
        execute("CREATE DATABASE " + templateName);
        Flyway.configure()
                .dataSource(databaseUrl(templateName), null, null)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** The JVM-wide instance, started on first call (tens of seconds the first time, then cached binaries). */
    public static synchronized TestInfrastructure shared() {
        if (shared == null) {
            TestInfrastructure started = new TestInfrastructure();
            Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown, "test-infrastructure-stop"));
            shared = started;
        }
        return shared;
    }

    /**
     * Creates a new database with all migrations applied and returns its JDBC URL (credentials in the query).
     */
    public String newDatabase() {
        String name = templateName.replace("template", "t") + "_" + databases.incrementAndGet();
        execute("CREATE DATABASE " + name + " TEMPLATE " + templateName);
        createdDatabases.add(name);
        return databaseUrl(name);
    }

    /**
     * Spring Boot properties for a fresh database ({@link #newDatabase()}) and this Redis, ready for a
     * {@code @DynamicPropertySource} method: {@code TestInfrastructure.shared().springProperties().forEach(registry::add)}.
     * Each call also gets its own Redis logical database (keys and streams are per database; pub/sub channels
     * are not), so application contexts that Spring's test cache keeps alive side by side do not share streams
     * or cached keys.
     */
    public Map<String, String> springProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", newDatabase());
        properties.put("spring.data.redis.host", redisHost);
        properties.put("spring.data.redis.port", Integer.toString(redisPort));
        properties.put("spring.data.redis.database", Integer.toString(nextRedisDatabase()));
        return properties;
    }

    /** A Redis logical database index not handed out before in this JVM (wrapping after the server's count). */
    public int nextRedisDatabase() {
        int count = embeddedRedis != null ? EmbeddedRedis.DATABASES : 16;
        return 1 + redisDatabases.getAndIncrement() % (count - 1);
    }

    public String redisHost() {
        return redisHost;
    }

    public int redisPort() {
        return redisPort;
    }

    /** The embedded Redis, or null when {@code EXCHANGE_TEST_REDIS_URL} points at an external one. */
    public EmbeddedRedis embeddedRedis() {
        return embeddedRedis;
    }

    /** The embedded PostgreSQL, or null when {@code EXCHANGE_TEST_POSTGRES_URL} points at an external one. */
    public EmbeddedPostgres embeddedPostgres() {
        return embeddedPostgres;
    }

    /**
     * Kills the embedded Redis and starts a new, empty one on the same port after {@code downtime}, as a
     * crashed and restarted Redis looks to clients.
     *
     * @throws IllegalStateException when Redis is external
     */
    public synchronized void restartRedis(Duration downtime) {
        if (embeddedRedis == null) {
            throw new IllegalStateException("Redis is external (EXCHANGE_TEST_REDIS_URL); cannot restart it");
        }
        embeddedRedis.close();
        ManagedProcess.sleep(downtime.toMillis());
        embeddedRedis = EmbeddedRedis.start(workDirectory.resolve("redis"), redisPort);
    }

    /**
     * A TCP port nobody listens on right now, below the kernel's range of ephemeral ports, and not handed out before
     * in this JVM. A port the kernel picked ({@code new ServerSocket(0)}) comes from that range, so between the test
     * choosing it and a server binding it, any outgoing connection (to PostgreSQL, Redis, a router) could get it as
     * its own local port: a router then failed to start with "port already in use" (a fault campaign, 2026-12-03).
     * Thread-safe.
     */
    public static int freePort() {
        int below = ephemeralPortsStart();
        if (below <= FIRST_CHOSEN_PORT + 1_000) {
            return kernelChosenPort();
        }
        int span = below - FIRST_CHOSEN_PORT;
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FIRST_CHOSEN_PORT + (start + i) % span;
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        return kernelChosenPort();
    }

    private static final int FIRST_CHOSEN_PORT = 20_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int ephemeralPortsStart() {
        try {
            // Files.readString trusts the size /proc reports and returned only the first byte here.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosenPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String databaseUrl(String database) {
        URI uri = URI.create(adminUrl.substring("jdbc:".length()));
        return "jdbc:" + uri.getScheme() + "://" + uri.getAuthority() + "/" + database
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test PostgreSQL at " + adminUrl + " refused: " + sql, e);
        }
    }

    private void shutdown() {
        if (embeddedPostgres == null) {
            for (String name : createdDatabases) {
                try {
                    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (RuntimeException ignored) {
                    // best effort on someone else's server
                }
            }
            try {
                execute("DROP DATABASE IF EXISTS " + templateName + " WITH (FORCE)");
            } catch (RuntimeException ignored) {
                // best effort, as above
            }
        } else {
            embeddedPostgres.close();
        }
        if (embeddedRedis != null) {
            embeddedRedis.close();
        }
        Binaries.deleteTree(workDirectory);
    }
}
