package exchange.loadgen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of both subcommands. Every option has a default that fits the local stack
 * ({@code ./run-local}); {@link #parse} refuses unknown options and malformed values with a
 * {@link UsageException} whose message is meant for the user.
 */
record Options(
        String command,
        String restUrl,
        String adminUrl,
        String wsUrl,
        String adminToken,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String redisHost,
        int redisPort,
        String market,
        Mode mode,
        double rate,
        Duration duration,
        Duration warmup,
        int accounts,
        int wsClients,
        int privateClients,
        int concurrency,
        long seed,
        int maxRestingPerAccount,
        long depositQuote,
        long maxInFlight,
        Path report,
        Map<String, Long> pids,
        boolean verify,
        boolean ramp) {

    enum Mode { MAX, OPEN }

    static final String HELP = """
            Usage: java -jar loadgen/target/loadgen.jar [run] [options]
                   java -jar loadgen/target/loadgen.jar limits [options]

            run (default): create funded accounts through the admin API, drive the stack with signed HTTP
            traders and WebSocket clients, report throughput and latency, then verify the stack's state
            (exit code 1 if any check fails, 2 on bad usage or failed setup).
            limits: measure the physical ceilings to compare with (HTTP ping, ED25519, PostgreSQL commit,
            Redis round trip), each alone.

            Targets (defaults fit ./run-local):
              --url URL             REST API of the router            (http://127.0.0.1:8080)
              --admin-url URL       admin API of the router           (http://127.0.0.1:8081)
              --ws-url URL          ws-stream                         (ws://127.0.0.1:4000)
              --admin-token TOKEN   admin bearer token                (read from $EXCHANGE_DATA_DIR/admin-token,
                                                                       default .exchange-data/admin-token)
              --data-dir DIR        where to find admin-token         ($EXCHANGE_DATA_DIR or .exchange-data)
              --jdbc URL            PostgreSQL, for verification and limits
                                                                      (jdbc:postgresql://127.0.0.1:15432/exchange)
              --jdbc-user USER      (postgres)    --jdbc-password PASSWORD   (empty)
              --redis HOST:PORT     Redis, for limits and process discovery (127.0.0.1:16379)
              --pids LIST           processes to account CPU and RSS to, name=pid or pid, comma-separated
                                    (default: the processes listening on the ports of the URLs above)

            Load:
              --market SYMBOL       (SOL_USDC)
              --mode max|open       max: closed loop, each client sends its next request when the previous
                                    one is answered; open: fixed arrival rate, latency from the intended
                                    send time (no coordinated omission)                          (max)
              --rate R              open mode: actions per second                               (1000)
              --concurrency C       max mode: concurrent clients; limits: HTTP clients           (64)
              --duration D          measured time, e.g. 30s, 2m                                  (30s; limits: 5s per probe)
              --warmup D            load before measuring, not reported; in open mode the rate
                                    rises from a tenth to R during it                            (5s)
              --no-ramp             open mode: full rate from the first second of the warm-up
              --accounts N          trading accounts created for the run                         (32)
              --ws-clients M        WebSocket clients on depth.<symbol> and trade.<symbol>        (8)
              --private-clients P   of those, how many also watch one account's orderUpdate      (M/2)
              --seed S              seed of the price walk and the order mix                     (1)
              --max-resting K       open orders per account before the oldest is cancelled      (20)
              --deposit Q           quote deposited per account; base worth the same at the mid (1000000)
              --max-in-flight F     open mode: arrivals beyond this many unanswered are counted
                                    as dropped instead of sent                                   (20000)
              --report FILE         also write the results as JSON
              --no-verify           skip the checks after the run
              --help
            """;

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args, Map<String, String> env) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = "run";
        if (!rest.isEmpty() && !rest.getFirst().startsWith("--")) {
            command = rest.removeFirst();
            if (!command.equals("run") && !command.equals("limits")) {
                throw new UsageException("Unknown command " + command + " (run or limits)");
            }
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String name = rest.get(i);
            if (name.equals("--help") || name.equals("-h")) {
                return null;
            }
            if (!name.startsWith("--")) {
                throw new UsageException("Unexpected argument " + name);
            }
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("--no-verify") || name.equals("--no-ramp")) {
                value = "true";
            } else {
                if (i + 1 >= rest.size()) {
                    throw new UsageException("Option " + name + " needs a value");
                }
                value = rest.get(++i);
            }
            given.put(name.substring(2), value);
        }
        Reader r = new Reader(given);
        boolean limits = command.equals("limits");
        String dataDir = r.text("data-dir", env.getOrDefault("EXCHANGE_DATA_DIR", ".exchange-data"));
        String token = r.text("admin-token", null);
        if (token == null) {
            Path file = Path.of(dataDir, "admin-token");
            try {
                token = Files.isReadable(file) ? Files.readString(file).trim() : "";
            } catch (java.io.IOException e) {
                token = "";
            }
        }
        String redis = r.text("redis", "127.0.0.1:16379");
        int colon = redis.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException("--redis must be HOST:PORT, got " + redis);
        }
        String reportPath = r.text("report", null);
        int wsClients = r.integer("ws-clients", 8, 0, 10_000);
        int accounts = r.integer("accounts", 32, 1, 100_000);
        int privateClients = r.integer("private-clients", wsClients / 2, 0, wsClients);
        if (privateClients > accounts) {
            throw new UsageException("--private-clients (" + privateClients + ") must not exceed --accounts ("
                    + accounts + "): each watches its own account");
        }
        Options options = new Options(command,
                stripSlash(r.text("url", "http://127.0.0.1:8080")),
                stripSlash(r.text("admin-url", "http://127.0.0.1:8081")),
                stripSlash(r.text("ws-url", "ws://127.0.0.1:4000")),
                token,
                r.text("jdbc", "jdbc:postgresql://127.0.0.1:15432/exchange"),
                r.text("jdbc-user", "postgres"),
                r.text("jdbc-password", ""),
                redis.substring(0, colon),
                parseInt("--redis port", redis.substring(colon + 1), 1, 65535),
                r.text("market", "SOL_USDC"),
                switch (r.text("mode", "max").toLowerCase(Locale.ROOT)) {
                    case "max" -> Mode.MAX;
                    case "open" -> Mode.OPEN;
                    default -> throw new UsageException("--mode must be max or open");
                },
                r.decimal("rate", 1000, 0.001, 10_000_000),
                r.duration("duration", limits ? Duration.ofSeconds(5) : Duration.ofSeconds(30)),
                r.duration("warmup", Duration.ofSeconds(5)),
                accounts,
                wsClients,
                privateClients,
                r.integer("concurrency", 64, 1, 100_000),
                r.longValue("seed", 1),
                r.integer("max-resting", 20, 1, 10_000),
                r.longValue("deposit", 1_000_000),
                r.longValue("max-in-flight", 20_000),
                reportPath == null ? null : Path.of(reportPath),
                parsePids(r.text("pids", null)),
                !Boolean.parseBoolean(r.text("no-verify", "false")),
                !Boolean.parseBoolean(r.text("no-ramp", "false")));
        r.rejectUnused();
        if (options.duration().isZero() || options.duration().isNegative()) {
            throw new UsageException("--duration must be positive");
        }
        if (options.depositQuote() <= 0 || options.maxInFlight() <= 0) {
            throw new UsageException("--deposit and --max-in-flight must be positive");
        }
        return options;
    }

    /** Parses {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h} or a plain number of seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new UsageException("Not a duration: " + text + " (e.g. 30s, 2m, 500ms)");
        }
    }

    /** {@code router=123,ws=456} or {@code 123,456} (named pid123, ...). */
    static Map<String, Long> parsePids(String text) {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return pids;
        }
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq > 0 ? p.substring(0, eq) : "pid" + p;
            long pid = parseLong("--pids", eq > 0 ? p.substring(eq + 1) : p);
            pids.put(name, pid);
        }
        return pids;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static int parseInt(String what, String value, int min, int max) {
        long v = parseLong(what, value);
        if (v < min || v > max) {
            throw new UsageException(what + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) v;
    }

    private static long parseLong(String what, String value) {
        try {
            return Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be an integer, got " + value);
        }
    }

    /** Reads options by name, remembering which were asked for so leftovers can be refused. */
    private static final class Reader {
        private final Map<String, String> given;
        private final Set<String> used = new HashSet<>();

        Reader(Map<String, String> given) {
            this.given = given;
        }

        String text(String name, String fallback) {
            used.add(name);
            return given.getOrDefault(name, fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            String value = text(name, null);
            return value == null ? fallback : parseInt("--" + name, value, min, max);
        }

        long longValue(String name, long fallback) {
            String value = text(name, null);
            return value == null ? fallback : parseLong("--" + name, value);
        }

        double decimal(String name, double fallback, double min, double max) {
            String value = text(name, null);
            if (value == null) {
                return fallback;
            }
            try {
                double v = Double.parseDouble(value);
                if (!(v >= min && v <= max)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a number between " + min + " and " + max);
            }
        }

        Duration duration(String name, Duration fallback) {
            String value = text(name, null);
            return value == null ? fallback : parseDuration(value);
        }

        void rejectUnused() {
            for (String name : given.keySet()) {
                if (!used.contains(name)) {
                    throw new UsageException("Unknown option --" + name + " (see --help)");
                }
            }
        }
    }
}
