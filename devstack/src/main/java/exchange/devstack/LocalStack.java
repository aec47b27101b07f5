package exchange.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform on one machine with only a JDK: PostgreSQL and Redis from Maven artifacts, then the
 * router and ws-stream apps as child JVMs. State lives in the data directory, so a restart finds the same
 * accounts and balances. Ctrl-C (or SIGTERM) stops every process it started, apps first; the apps also watch
 * this process and exit if it is killed outright.
 *
 * <p>Configuration, all optional, from environment variables: {@code EXCHANGE_DATA_DIR} (.exchange-data),
 * {@code EXCHANGE_ROUTER_PORT} (8080), {@code EXCHANGE_ADMIN_PORT} (8081), {@code EXCHANGE_WS_PORT} (4000), {@code EXCHANGE_POSTGRES_PORT}
 * (15432), {@code EXCHANGE_REDIS_PORT} (16379), {@code EXCHANGE_ROUTER_JAR}, {@code EXCHANGE_WS_JAR},
 * {@code EXCHANGE_APP_JAVA_OPTS}.
 */
public final class LocalStack implements AutoCloseable {

    /** Where and how to run; see the class comment for the variables. */
    public record Settings(Path dataDirectory, int routerPort, int adminPort, int wsPort, int postgresPort,
            int redisPort, Path routerJar, Path wsJar, List<String> appJavaOptions) {

        public static Settings fromEnvironment(Map<String, String> env) {
            return new Settings(
                    Path.of(env.getOrDefault("EXCHANGE_DATA_DIR", ".exchange-data")).toAbsolutePath(),
                    port(env, "EXCHANGE_ROUTER_PORT", 8080),
                    port(env, "EXCHANGE_ADMIN_PORT", 8081),
                    port(env, "EXCHANGE_WS_PORT", 4000),
                    port(env, "EXCHANGE_POSTGRES_PORT", 15432),
                    port(env, "EXCHANGE_REDIS_PORT", 16379),
                    Path.of(env.getOrDefault("EXCHANGE_ROUTER_JAR", "router-service/target/router-service.jar")),
                    Path.of(env.getOrDefault("EXCHANGE_WS_JAR", "ws-stream-service/target/ws-stream-service.jar")),
                    // A fixed heap: G1 shrank the router's to ~150 MB under load and then ran a concurrent marking
                    // cycle after almost every young collection (README, "Operations and troubleshooting").
                    List.of(env.getOrDefault("EXCHANGE_APP_JAVA_OPTS",
                            "-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:+ExitOnOutOfMemoryError")
                            .trim().split("\\s+")));
        }

        private static int port(Map<String, String> env, String name, int fallback) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new StartupException(name + "=" + value + " is not a TCP port (1-65535)");
            }
        }
    }

    /** A start-up problem the user can fix; {@link #main} prints only its message. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message, null, false, false);
        }
    }

    private final Settings settings;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<ManagedProcess> apps = new ArrayList<>();
    private DemoAccount demoAccount;
    private String adminToken;

    public LocalStack(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws InterruptedException {
        LocalStack stack;
        try {
            stack = new LocalStack(Settings.fromEnvironment(System.getenv()));
        } catch (StartupException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-stop"));
        try {
            long begin = System.nanoTime();
            stack.start();
            System.out.println(stack.banner(Duration.ofNanos(System.nanoTime() - begin)));
        } catch (StartupException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("local stack failed to start: " + e.getMessage());
            System.exit(1);
        }
        ManagedProcess died = stack.awaitAnyAppExit();
        System.err.println("local stack: " + died.name() + " exited unexpectedly; see " + died.logFile()
                + "\n" + died.logTail(20));
        System.exit(1);
    }

    /**
     * Starts PostgreSQL, Redis, the router and ws-stream, and waits until both apps report ready.
     *
     * @throws StartupException if a port is taken or an app jar is missing; nothing is left running
     */
    public void start() {
        checkPortsFree();
        for (Path jar : List.of(settings.routerJar(), settings.wsJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new StartupException("App jar " + jar.toAbsolutePath() + " is missing: build first with "
                        + "./mvnw -DskipTests install (./run-local does this for you)");
            }
        }
        try {
            Files.createDirectories(settings.dataDirectory());
            demoAccount = DemoAccount.loadOrCreate(settings.dataDirectory());
            adminToken = DemoAccount.adminToken(settings.dataDirectory());
            EmbeddedPostgres postgres = EmbeddedPostgres.start(
                    settings.dataDirectory().resolve("postgres"), settings.postgresPort(), true);
            started.add(postgres);
            postgres.createDatabaseIfMissing("exchange");
            EmbeddedRedis redis = EmbeddedRedis.start(settings.dataDirectory().resolve("redis"),
                    settings.redisPort());
            started.add(redis);

            Map<String, String> common = new HashMap<>();
            common.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl("exchange"));
            common.put("SPRING_DATASOURCE_USERNAME", EmbeddedPostgres.SUPERUSER);
            common.put("SPRING_DATA_REDIS_HOST", "127.0.0.1");
            common.put("SPRING_DATA_REDIS_PORT", Integer.toString(settings.redisPort()));
            common.put("EXCHANGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));

            Map<String, String> routerEnv = new HashMap<>(common);
            routerEnv.put("SERVER_PORT", Integer.toString(settings.routerPort()));
            routerEnv.put("EXCHANGE_ADMIN_PORT", Integer.toString(settings.adminPort()));
            routerEnv.put("EXCHANGE_ADMIN_TOKEN", adminToken);
            routerEnv.put("EXCHANGE_DEMO_ENABLED", "true");
            routerEnv.put("EXCHANGE_DEMO_API_KEY", demoAccount.apiKey());
            ManagedProcess router = startApp("router", settings.routerJar(), routerEnv);

            Map<String, String> wsEnv = new HashMap<>(common);
            wsEnv.put("SERVER_PORT", Integer.toString(settings.wsPort()));
            ManagedProcess ws = startApp("ws-stream", settings.wsJar(), wsEnv);

            awaitReady(router, settings.routerPort());
            awaitReady(ws, settings.wsPort());
        } catch (IOException e) {
            close();
            throw new StartupException("Cannot use data directory " + settings.dataDirectory() + ": " + e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ManagedProcess startApp(String name, Path jar, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(settings.appJavaOptions());
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ManagedProcess app = ManagedProcess.start(name, command, env,
                settings.dataDirectory().resolve("logs/" + name + ".log"), "TERM");
        apps.add(app);
        started.add(() -> app.stop(Duration.ofSeconds(40)));
        return app;
    }

    private static void awaitReady(ManagedProcess app, int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        app.awaitCondition(() -> {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(readiness)
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, app.name() + " readiness on port " + port, Duration.ofSeconds(120));
    }

    private void checkPortsFree() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("router (EXCHANGE_ROUTER_PORT)", settings.routerPort());
        ports.put("admin API (EXCHANGE_ADMIN_PORT)", settings.adminPort());
        ports.put("ws-stream (EXCHANGE_WS_PORT)", settings.wsPort());
        ports.put("PostgreSQL (EXCHANGE_POSTGRES_PORT)", settings.postgresPort());
        ports.put("Redis (EXCHANGE_REDIS_PORT)", settings.redisPort());
        if (ports.values().stream().distinct().count() != ports.size()) {
            throw new StartupException("Ports must differ: " + ports);
        }
        for (Map.Entry<String, Integer> entry : ports.entrySet()) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(entry.getValue()));
            } catch (IOException inUse) {
                throw new StartupException("Port " + entry.getValue() + " for " + entry.getKey()
                        + " is already in use. Stop whatever listens there (ss -ltnp 'sport = :"
                        + entry.getValue() + "') or choose another port with " + entry.getKey()
                        .replaceAll(".*\\((.*)\\)", "$1") + "=<port>.");
            }
        }
    }

    /** Blocks until one of the apps exits, and returns it. */
    public ManagedProcess awaitAnyAppExit() throws InterruptedException {
        while (true) {
            for (ManagedProcess app : apps) {
                if (!app.isAlive()) {
                    return app;
                }
            }
            Thread.sleep(500);
        }
    }

    public DemoAccount demoAccount() {
        return demoAccount;
    }

    /** The operator API's bearer token (kept in the data directory). */
    public String adminToken() {
        return adminToken;
    }

    /** Process ids of everything this stack started, for checks that nothing is left behind. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (AutoCloseable each : started) {
            if (each instanceof EmbeddedPostgres postgres) {
                pids.add(postgres.pid());
            } else if (each instanceof EmbeddedRedis redis) {
                pids.add(redis.pid());
            }
        }
        apps.forEach(app -> pids.add(app.pid()));
        return pids;
    }

    String banner(Duration took) {
        return """

                Exchange platform is up (%.1f s). Data directory: %s
                  REST API    http://localhost:%d/api/v1/markets
                  Admin API   http://localhost:%d/admin/v1/  (Authorization: Bearer %s)
                  WebSocket   ws://localhost:%d/
                  PostgreSQL  jdbc:postgresql://127.0.0.1:%d/exchange (user postgres)
                  Redis       redis://127.0.0.1:%d
                  Logs        %s
                Demo account (ED25519, base64; markets SOL_USDC, BTC_USDC, ETH_USDC):
                  API key     %s
                  API secret  %s
                Press Ctrl-C to stop everything.
                """.formatted(took.toMillis() / 1000.0, settings.dataDirectory(), settings.routerPort(),
                settings.adminPort(), adminToken, settings.wsPort(), settings.postgresPort(), settings.redisPort(),
                settings.dataDirectory().resolve("logs"), demoAccount.apiKey(), demoAccount.apiSecret());
    }

    /** Stops everything started, in reverse order (apps, then Redis, then PostgreSQL). Idempotent. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("local stack: stopping failed: " + e);
            }
        }
        started.clear();
    }
}
