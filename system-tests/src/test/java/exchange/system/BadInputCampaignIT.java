package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import exchange.devstack.LocalStack;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input campaign against the packaged stack: a seeded fuzzer sends thousands of malformed requests over
 * raw sockets (broken and mistyped JSON, huge and negative numbers, 40-digit decimals, unicode, invalid UTF-8,
 * oversized bodies and headers, missing and duplicated parameters, bad, replayed and future-dated signatures,
 * odd methods and paths, another account's order ids) and abuses the WebSocket (garbage and binary frames, a
 * huge frame, thousands of subscriptions, a subscribe flood), while a control trader keeps trading and a
 * control WebSocket client keeps receiving.
 *
 * <p>Every REST answer must be a 4xx with Backpack's {@code {"code","message"}} body, never a 5xx; nothing the
 * fuzzer sends may change state (its account stays without orders and balances, the victim's resting orders
 * stay as they were, funds are conserved); every control order is acknowledged and the control WebSocket
 * client receives trades throughout; both apps stay healthy. {@code -Dexchange.fuzz.seed} and
 * {@code -Dexchange.fuzz.requests} (default 1500) choose the run.
 */
class BadInputCampaignIT {

    private static final String[] BAD_STRINGS = {"", " ", "1e400", "-1", "-0", "0", "0.0", "NaN", "Infinity",
            "-Infinity", "1".repeat(40), "0." + "1".repeat(40), "1" + "0".repeat(400), "１００", "1,5", "0x10", "+1",
            " 1", "1 ", "1_000", "\u0000", "\\u0000", "\u202e1", "💩", "ü", "Ask\u0000", "Bid ", "bid", "LIMIT",
            "SOL_USDC\n", "' OR 1=1 --", "${jndi:ldap://x}", "%00", "9223372036854775808", "-9223372036854775809",
            "4294967296", "0.000000000000000000000000000001", "1e-7", "1E2", ".5", "5.", "--1"};
    private static final String[] BAD_JSON_VALUES = {"1e400", "-1", "1.5", "true", "false", "null", "[]", "{}",
            "[1,2]", "{\"a\":1}", "123456789012345678901234567890", "-0", "\"\\ud800\"", "\"\\u0000\""};
    private static final List<String> KEYS = List.of("symbol", "side", "orderType", "price", "quantity",
            "timeInForce", "clientId", "postOnly", "selfTradePrevention", "quoteQuantity", "reduceOnly");

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private int routerPort;

    record Answer(int status, String body) {
    }

    @Test
    void malformedRequestsAndFramesGetClearErrorsChangeNothingAndHurtNoOne() throws Exception {
        long seed = Long.getLong("exchange.fuzz.seed", 20261201L);
        int requests = Integer.getInteger("exchange.fuzz.requests", 1500);
        LocalStack.Settings settings = new LocalStack.Settings(dataDirectory, TestInfrastructure.freePort(),
                TestInfrastructure.freePort(), TestInfrastructure.freePort(), TestInfrastructure.freePort(),
                TestInfrastructure.freePort(), Path.of(System.getProperty("exchange.router.jar")),
                Path.of(System.getProperty("exchange.ws.jar")), List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
        try (LocalStack stack = new LocalStack(settings)) {
            stack.start();
            routerPort = settings.routerPort();
            String api = "http://127.0.0.1:" + routerPort;
            String admin = "http://127.0.0.1:" + settings.adminPort();
            String token = stack.adminToken();

            SignedClient fuzzer = new SignedClient();
            long fuzzerId = StackSupport.fundedAccount(admin, token, fuzzer, null, null);
            SignedClient victim = new SignedClient();
            long victimId = StackSupport.fundedAccount(admin, token, victim, "USDC", "100000");
            SignedClient seller = new SignedClient(Duration.ofSeconds(5));
            StackSupport.fundedAccount(admin, token, seller, "SOL", "1000000");
            SignedClient buyer = new SignedClient(Duration.ofSeconds(5));
            StackSupport.fundedAccount(admin, token, buyer, "USDC", "100000000");
            List<String> victimOrders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> placed = victim.send(api, "POST", "/api/v1/order", "orderExecute",
                        limitOrder("Bid", "1." + i, "1", null));
                assertThat(placed.statusCode()).as(placed.body()).isEqualTo(200);
                victimOrders.add(placed.body().replaceAll(".*\"id\":\"(\\d+)\".*", "$1"));
            }
            String victimBefore = victimState(settings, victimId);

            Control control = new Control(api, seller, buyer, settings.wsPort());
            control.start();

            SplittableRandom random = new SplittableRandom(seed);
            List<Runnable> probes = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                probes.add(restProbe(random, fuzzer, victim, victimOrders));
            }
            // Slow uploads: 300 signed-order requests that announce a body and never send it, held open while the
            // fuzzer runs and the control trader keeps trading (the load-shedding limit is 256 requests).
            List<Socket> slowUploads = slowUploads(300);
            long fuzzStarted = System.nanoTime();
            for (Runnable probe : probes) {
                probe.run();
            }
            for (Socket slow : slowUploads) {
                slow.close();
            }
            double restSeconds = (System.nanoTime() - fuzzStarted) / 1e9;
            System.out.printf("bad-input campaign (seed %d): %d REST probes in %.1f s, answers by status %s%n", seed,
                    requests, restSeconds, new TreeMap<>(statuses));
            violations.forEach(v -> System.out.println("violation: " + v));

            SignedClient replayer = new SignedClient();
            replayedAndExpiredSignatures(replayer, StackSupport.fundedAccount(admin, token, replayer, "USDC", "1000"), settings);
            long wsFramesBefore = control.wsTrades.get();
            String wsSummary = webSocketAbuse(settings.wsPort(), random);
            Thread.sleep(1_000);
            control.stop();

            System.out.printf("WebSocket abuse: %s%n", wsSummary);
            System.out.printf("control: %d orders acknowledged (p99 %.1f ms, max %.1f ms), %d refused; control "
                    + "WebSocket client received %d trades (%d during the WebSocket abuse)%n", control.acked.get(),
                    control.percentile(0.99), control.percentile(1.0), control.refused.get(),
                    control.wsTrades.get(), control.wsTrades.get() - wsFramesBefore);

            assertThat(violations).as("answers that are not a 4xx with {code, message}").isEmpty();
            assertThat(control.refused.get()).as("control orders refused or lost during the campaign").isZero();
            assertThat(control.acked.get()).as("control orders acknowledged").isPositive();
            assertThat(control.wsTrades.get() - wsFramesBefore)
                    .as("control WebSocket client kept receiving trades during the WebSocket abuse").isPositive();
            try (Connection c = database(settings); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE account_id = " + fuzzerId)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("orders of the fuzzing account").isZero();
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM balance WHERE account_id = " + fuzzerId
                        + " AND (available <> 0 OR locked <> 0)")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("balances of the fuzzing account").isZero();
                }
                StackSupport.assertFundsConserved(s);
            }
            assertThat(victimState(settings, victimId)).as("the victim's orders and balances").isEqualTo(victimBefore);
            for (int port : new int[] {settings.routerPort(), settings.wsPort()}) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("readiness on %d after the campaign", port).isEqualTo(200);
            }
        }
    }

    // ---- REST probes -----------------------------------------------------------------------------------------

    private Runnable restProbe(SplittableRandom random, SignedClient fuzzer, SignedClient victim,
            List<String> victimOrders) {
        int kind = random.nextInt(10);
        long timestamp = System.currentTimeMillis();
        return switch (kind) {
            case 0, 1, 2 -> mutatedOrder(random, fuzzer);
            case 3 -> brokenJson(random, fuzzer);
            case 4 -> badAuthHeaders(random, fuzzer, victim);
            case 5 -> badQuery(random, fuzzer);
            case 6 -> oddMethodOrPath(random);
            case 7 -> foreignOrder(random, fuzzer, victimOrders);
            case 8 -> oversized(random, fuzzer);
            default -> duplicatedParameters(random, fuzzer, timestamp);
        };
    }

    /** A well-formed, correctly signed order with one field replaced, dropped or added. */
    private Runnable mutatedOrder(SplittableRandom random, SignedClient fuzzer) {
        Map<String, String> params = new TreeMap<>();
        boolean market = random.nextInt(4) == 0;
        params.put("symbol", "SOL_USDC");
        params.put("side", random.nextBoolean() ? "Bid" : "Ask");
        params.put("orderType", market ? "Market" : "Limit");
        params.put("quantity", "1");
        if (!market) {
            params.put("price", "100");
        }
        String key = KEYS.get(random.nextInt(KEYS.size()));
        String label;
        Map<String, String> json = new TreeMap<>();
        params.forEach((k, v) -> json.put(k, quote(v)));
        switch (random.nextInt(3)) {
            case 0 -> {
                String bad = BAD_STRINGS[random.nextInt(BAD_STRINGS.length)];
                params.put(key, bad);
                json.put(key, quote(bad));
                label = "order " + key + "=" + printable(bad);
            }
            case 1 -> {
                String bad = BAD_JSON_VALUES[random.nextInt(BAD_JSON_VALUES.length)];
                params.put(key, bad);
                json.put(key, bad);
                label = "order " + key + " as JSON " + bad;
            }
            default -> {
                String drop = List.of("symbol", "side", "orderType", "quantity").get(random.nextInt(4));
                params.remove(drop);
                json.remove(drop);
                label = "order without " + drop;
            }
        }
        String body = json.entrySet().stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        return () -> expect4xx(label, signedRaw(fuzzer, "POST", "/api/v1/order", "orderExecute", params,
                body.getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    /** Syntactically broken bodies, signed over what the client meant to send. */
    private Runnable brokenJson(SplittableRandom random, SignedClient fuzzer) {
        Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit",
                "price", "100", "quantity", "1"));
        String valid = params.entrySet().stream().map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        byte[] body;
        String label;
        switch (random.nextInt(8)) {
            case 0 -> {
                int cut = random.nextInt(valid.length());
                body = valid.substring(0, cut).getBytes(StandardCharsets.UTF_8);
                label = "JSON truncated at " + cut;
            }
            case 1 -> {
                body = ("[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
                label = "JSON nested 5000 deep";
            }
            case 2 -> {
                body = ("{\"a\":" .repeat(3_000) + "1" + "}".repeat(3_000)).getBytes(StandardCharsets.UTF_8);
                label = "JSON objects nested 3000 deep";
            }
            case 3 -> {
                body = new byte[] {'{', '"', 's', 'y', 'm', 'b', 'o', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
                        (byte) 0xFF, '"', '}'};
                label = "invalid UTF-8";
            }
            case 4 -> {
                body = List.of("[]", "\"order\"", "42", "null", "true", "{}", "").get(random.nextInt(7))
                        .getBytes(StandardCharsets.UTF_8);
                label = "JSON root " + new String(body, StandardCharsets.UTF_8);
            }
            case 5 -> {
                body = (valid + valid).getBytes(StandardCharsets.UTF_8);
                label = "two JSON documents";
            }
            case 6 -> {
                body = valid.replace(":", "=").getBytes(StandardCharsets.UTF_8);
                label = "not JSON";
            }
            default -> {
                body = valid.replace("\"100\"", "100.000000000000000000000000000000000000001e99999")
                        .getBytes(StandardCharsets.UTF_8);
                label = "number with a huge exponent";
            }
        }
        String contentType = random.nextInt(5) == 0 ? "text/plain" : "application/json";
        return () -> expect4xx(label + " (" + contentType + ")", signedRaw(fuzzer, "POST", "/api/v1/order",
                "orderExecute", params, body, Map.of("Content-Type", contentType)));
    }

    private Runnable badAuthHeaders(SplittableRandom random, SignedClient fuzzer, SignedClient victim) {
        Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC"));
        int variant = random.nextInt(14);
        return () -> {
            long now = System.currentTimeMillis();
            Map<String, String> headers = new LinkedHashMap<>(signedHeaders(fuzzer, "orderQueryAll", params, now,
                    "5000"));
            String label;
            switch (variant) {
                case 0 -> {
                    headers.remove("X-API-Key");
                    label = "no X-API-Key";
                }
                case 1 -> {
                    headers.remove("X-Signature");
                    label = "no X-Signature";
                }
                case 2 -> {
                    headers.remove("X-Timestamp");
                    label = "no X-Timestamp";
                }
                case 3 -> {
                    headers = signedHeaders(fuzzer, "orderQueryAll", params, now + 3_600_000, "5000");
                    label = "signature dated 1 h in the future";
                }
                case 4 -> {
                    headers = signedHeaders(fuzzer, "orderQueryAll", params, now - 3_600_000, "5000");
                    label = "signature dated 1 h ago";
                }
                case 5 -> {
                    headers.put("X-Timestamp", "9".repeat(30));
                    label = "30-digit timestamp";
                }
                case 6 -> {
                    headers = signedHeaders(fuzzer, "orderQueryAll", params, now, "99999999999");
                    label = "huge window";
                }
                case 7 -> {
                    headers = signedHeaders(fuzzer, "orderQueryAll", params, now, "-5");
                    label = "negative window";
                }
                case 8 -> {
                    headers.put("X-Signature", "!!!not base64!!!");
                    label = "signature not base64";
                }
                case 9 -> {
                    headers.put("X-Signature", Base64.getEncoder().encodeToString(new byte[10]));
                    label = "signature of 10 bytes";
                }
                case 10 -> {
                    headers.put("X-API-Key", victim.apiKey());
                    label = "another account's key with this account's signature";
                }
                case 11 -> {
                    headers.put("X-API-Key", "A".repeat(1_000));
                    label = "1000-character key";
                }
                case 12 -> {
                    headers.put("X-API-Key", "ключ🔑");
                    label = "unicode key";
                }
                default -> {
                    headers = signedHeaders(fuzzer, "orderExecute", params, now, "5000");
                    label = "signed for another instruction";
                }
            }
            expect4xx(label, raw("GET", "/api/v1/orders?symbol=SOL_USDC", headers, null));
        };
    }

    private Runnable badQuery(SplittableRandom random, SignedClient fuzzer) {
        List<String> paths = List.of("/api/v1/depth?symbol=", "/api/v1/trades?symbol=SOL_USDC&limit=",
                "/api/v1/klines?symbol=SOL_USDC&interval=1m&startTime=", "/api/v1/ticker?symbol=",
                "/api/v1/market?symbol=", "/api/v1/trades/history?symbol=SOL_USDC&offset=");
        String path = paths.get(random.nextInt(paths.size()));
        String value = switch (random.nextInt(8)) {
            case 0 -> "%00";
            case 1 -> "%27%20OR%201%3D1--";
            case 2 -> "%F0%9F%92%A9";
            case 3 -> "-99999999999999999999999";
            case 4 -> "x".repeat(30_000);
            case 5 -> "SOL_USDC&symbol=BTC_USDC&limit=5&limit=6";
            case 6 -> "%C3%28";
            default -> "..%2F..%2Fadmin";
        };
        return () -> expect4xx("GET " + path + printable(value), raw("GET", path + value, Map.of(), null));
    }

    private Runnable oddMethodOrPath(SplittableRandom random) {
        List<String[]> cases = List.of(new String[] {"PUT", "/api/v1/order"}, new String[] {"PATCH", "/api/v1/order"},
                new String[] {"TRACE", "/api/v1/order"}, new String[] {"DELETE", "/api/v1/markets"},
                new String[] {"GET", "/api/v1/../../admin/v1/accounts"}, new String[] {"GET", "/api/v1/order;x=1"},
                new String[] {"GET", "/api//v1/markets"}, new String[] {"GET", "/api/v1/%2e%2e/admin"},
                new String[] {"POST", "/admin/v1/accounts"}, new String[] {"GET", "/api/v2/markets"},
                new String[] {"BREW", "/api/v1/ping"}, new String[] {"GET", "/error"});
        String[] c = cases.get(random.nextInt(cases.size()));
        // Browsers and some clients ask for HTML: the error is Backpack JSON all the same.
        String accept = random.nextBoolean() ? "text/html" : "*/*";
        return () -> expect4xx(c[0] + " " + c[1] + " (Accept: " + accept + ")", raw(c[0], c[1],
                Map.of("Content-Type", "application/json", "Accept", accept), "{}".getBytes(StandardCharsets.UTF_8)));
    }

    private Runnable foreignOrder(SplittableRandom random, SignedClient fuzzer, List<String> victimOrders) {
        String orderId = victimOrders.get(random.nextInt(victimOrders.size()));
        boolean cancel = random.nextBoolean();
        Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC", "orderId", orderId));
        if (cancel) {
            String body = "{\"orderId\":\"" + orderId + "\",\"symbol\":\"SOL_USDC\"}";
            return () -> expect4xx("cancel another account's order", signedRaw(fuzzer, "DELETE", "/api/v1/order",
                    "orderCancel", params, body.getBytes(StandardCharsets.UTF_8), Map.of()));
        }
        return () -> expect4xx("query another account's order", raw("GET",
                "/api/v1/order?orderId=" + orderId + "&symbol=SOL_USDC",
                signedHeaders(fuzzer, "orderQuery", params, System.currentTimeMillis(), "5000"), null));
    }

    private Runnable oversized(SplittableRandom random, SignedClient fuzzer) {
        int variant = random.nextInt(3);
        return () -> {
            switch (variant) {
                case 0 -> {
                    byte[] body = ("{\"symbol\":\"" + "S".repeat(2 * 1024 * 1024) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    expect4xx("2 MB body", raw("POST", "/api/v1/order", Map.of("Content-Type", "application/json",
                            "X-API-Key", fuzzer.apiKey(), "X-Signature", "x", "X-Timestamp", "1"), body));
                }
                case 1 -> expect4xx("20 KB header", raw("GET", "/api/v1/markets",
                        Map.of("X-Padding", "p".repeat(20 * 1024)), null));
                default -> {
                    Map<String, String> many = new LinkedHashMap<>();
                    for (int i = 0; i < 300; i++) {
                        many.put("X-Header-" + i, "v".repeat(50));
                    }
                    expect4xx("300 headers", raw("GET", "/api/v1/markets", many, null));
                }
            }
        };
    }

    private List<Socket> slowUploads(int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", routerPort), 2_000);
            socket.getOutputStream().write(("POST /api/v1/order HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 4000\r\nX-API-Key: "
                    + "A".repeat(43) + "=\r\nX-Signature: x\r\nX-Timestamp: 1\r\n\r\n{\"sym")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        return sockets;
    }

    /** The same parameter twice: in the JSON body, or in the query string of a signed GET. */
    private Runnable duplicatedParameters(SplittableRandom random, SignedClient fuzzer, long timestamp) {
        if (random.nextBoolean()) {
            Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType",
                    "Limit", "price", "100", "quantity", "1"));
            String body = "{\"symbol\":\"SOL_USDC\",\"side\":\"Bid\",\"orderType\":\"Limit\",\"price\":\"100\","
                    + "\"quantity\":\"1\",\"quantity\":\"1000000\"}";
            return () -> expect4xx("duplicated JSON key quantity", signedRaw(fuzzer, "POST", "/api/v1/order",
                    "orderExecute", params, body.getBytes(StandardCharsets.UTF_8), Map.of()));
        }
        Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC"));
        return () -> expect4xx("duplicated query parameter symbol", raw("GET",
                "/api/v1/orders?symbol=SOL_USDC&symbol=BTC_USDC",
                signedHeaders(fuzzer, "orderQueryAll", params, System.currentTimeMillis(), "5000"), null));
    }

    /**
     * Replays of one signed order: within its window the replay is the same order (its clientId makes it a
     * retry), after the window it is refused with 401; either way the account has exactly one order.
     */
    private void replayedAndExpiredSignatures(SignedClient replayer, long replayerId, LocalStack.Settings settings)
            throws Exception {
        Map<String, String> params = new TreeMap<>(Map.of("symbol", "SOL_USDC", "side", "Bid", "orderType", "Limit",
                "price", "1", "quantity", "1", "clientId", "77"));
        Map<String, String> headers = new LinkedHashMap<>(signedHeaders(replayer, "orderExecute", params,
                System.currentTimeMillis(), "2000"));
        headers.put("Content-Type", "application/json");
        byte[] body = ("{\"clientId\":77,\"orderType\":\"Limit\",\"price\":\"1\",\"quantity\":\"1\","
                + "\"side\":\"Bid\",\"symbol\":\"SOL_USDC\"}").getBytes(StandardCharsets.UTF_8);
        Answer first = raw("POST", "/api/v1/order", headers, body);
        Answer replay = raw("POST", "/api/v1/order", headers, body);
        if (first.status() != 200 || replay.status() != 200 || !first.body().equals(replay.body())) {
            violations.add("a replay within the window must return the original order: " + first + " / " + replay);
        }
        Thread.sleep(2_200);
        Answer late = raw("POST", "/api/v1/order", headers, body);
        expect4xx("replayed order after its window", late);
        if (late.status() != 401) {
            violations.add("replay after the window answered " + late.status() + " instead of 401: " + late.body());
        }
        try (Connection c = database(settings); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE account_id = " + replayerId)) {
            rs.next();
            if (rs.getInt(1) != 1) {
                violations.add("three sends of one signed order left " + rs.getInt(1) + " orders, not 1");
            }
        }
    }

    // ---- WebSocket abuse -------------------------------------------------------------------------------------

    private String webSocketAbuse(int wsPort, SplittableRandom random) throws Exception {
        StringBuilder summary = new StringBuilder();
        // Garbage, wrong shapes, unknown methods and streams: error frames, the connection stays usable.
        Frames garbage = connect(wsPort);
        List<String> junk = List.of("not json", "{", "[]", "null", "{\"method\":\"EXPLODE\"}",
                "{\"method\":\"SUBSCRIBE\"}", "{\"method\":\"SUBSCRIBE\",\"params\":\"depth.SOL_USDC\"}",
                "{\"method\":\"SUBSCRIBE\",\"params\":[1,2,3]}", "{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.NOPE\"]}",
                "{\"method\":\"SUBSCRIBE\",\"params\":[\"💩.SOL_USDC\"]}", "{\"method\":\"SUBSCRIBE\",\"params\":[null]}",
                "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"depth.SOL_USDC\"],\"id\":\"x\"}",
                "{\"method\":\"SUBSCRIBE\",\"params\":[\"account.orderUpdate\"],\"signature\":[\"a\",\"b\"]}",
                "\u0000\u0001\u0002", "{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.SOL_USDC\"],\"id\":1e400}");
        for (int i = 0; i < 40; i++) {
            if (!send(garbage, junk.get(random.nextInt(junk.size())))) {
                break;
            }
            Thread.sleep(110);
        }
        if (!garbage.closed.isDone()) {
            try {
                garbage.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), true).get(5, TimeUnit.SECONDS);
            } catch (Exception closedMeanwhile) {
                // reported through garbage.closed
            }
        }
        Thread.sleep(500);
        summary.append(String.format("garbage: %d error frames for 40 frames%s; ", garbage.errors.get(),
                garbage.closed.isDone() ? ", closed " + garbage.closed.getNow("") : ", still open"));

        // A frame far beyond the limit: the connection is closed, nothing else is affected.
        Frames huge = connect(wsPort);
        huge.socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"" + "x".repeat(256 * 1024) + "\"]}", true);
        String hugeClose = huge.closed.get(10, TimeUnit.SECONDS);
        summary.append("256 KB frame: closed ").append(hugeClose).append("; ");

        // Thousands of subscriptions: refused beyond the per-connection limit.
        Frames many = connect(wsPort);
        // 5,000 stream names in frames that each stay under the frame-size limit (150 names, ~3 KB).
        for (int frame = 0; frame < 34; frame++) {
            int first = frame * 150;
            send(many, java.util.stream.IntStream.range(first, Math.min(5_000, first + 150))
                    .mapToObj(i -> "\"trade.SOL_USDC" + i + "\"")
                    .collect(Collectors.joining(",", "{\"method\":\"SUBSCRIBE\",\"params\":[", "],\"id\":5}")));
            Thread.sleep(105);
        }
        for (String interval : List.of("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d",
                "3d", "1w", "1month")) {
            for (String symbol : List.of("SOL_USDC", "BTC_USDC", "ETH_USDC")) {
                send(many, "{\"method\":\"SUBSCRIBE\",\"params\":[\"kline." + interval + "." + symbol
                        + "\",\"depth.200ms." + symbol + "\",\"trade." + symbol + "\",\"ticker." + symbol
                        + "\",\"bookTicker." + symbol + "\",\"depth." + symbol + "\"]}");
                Thread.sleep(105);
            }
        }
        Thread.sleep(500);
        summary.append(String.format("5,000 unknown streams in 34 frames + 270 valid subscriptions (60 distinct): "
                + "%d error frames%s; ", many.errors.get(),
                many.closed.isDone() ? ", closed " + many.closed.getNow("") : ", still open"));

        // A subscribe flood: frames beyond the rate are refused (or the client is dropped), others unaffected.
        Frames flood = connect(wsPort);
        for (int i = 0; i < 2_000 && !flood.closed.isDone(); i++) {
            send(flood, "{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.SOL_USDC\"],\"id\":" + i + "}");
        }
        Thread.sleep(500);
        summary.append(String.format("2,000-frame subscribe flood: %d error frames%s; ", flood.errors.get(),
                flood.closed.isDone() ? ", closed " + flood.closed.getNow("") : ", still open"));

        // Many connections opened and dropped without a close handshake.
        for (int i = 0; i < 200; i++) {
            connect(wsPort).socket.abort();
        }
        summary.append("200 connections aborted");
        for (Frames frames : List.of(garbage, many, flood)) {
            if (!frames.closed.isDone()) {
                frames.socket.abort();
            }
        }
        if (garbage.errors.get() == 0 || many.errors.get() == 0) {
            violations.add("WebSocket: expected error frames, got " + summary);
        }
        if (hugeClose == null || hugeClose.startsWith("1000")) {
            violations.add("WebSocket: a 256 KB frame should end the connection with an error code, got " + hugeClose);
        }
        return summary.toString();
    }

    /** Sends a text frame; false once the server has closed the connection. */
    private static boolean send(Frames frames, String text) {
        if (frames.closed.isDone()) {
            return false;
        }
        try {
            frames.socket.sendText(text, true).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception closed) {
            frames.closed.complete("closed while sending: " + closed.getCause());
            return false;
        }
    }

    static final class Frames {
        WebSocket socket;
        final AtomicInteger errors = new AtomicInteger();
        final CompletableFuture<String> closed = new CompletableFuture<>();
    }

    private Frames connect(int wsPort) throws Exception {
        Frames frames = new Frames();
        frames.socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + wsPort + "/"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        if (data.toString().contains("\"error\"")) {
                            frames.errors.incrementAndGet();
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        frames.closed.complete(code + " " + reason);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        frames.closed.complete("error " + error);
                    }
                }).get(10, TimeUnit.SECONDS);
        return frames;
    }

    // ---- control traffic -------------------------------------------------------------------------------------

    /** A trader placing crossing orders every 20 ms and a WebSocket client on the trades, for the whole run. */
    final class Control {
        private final String api;
        private final SignedClient seller;
        private final SignedClient buyer;
        private final int wsPort;
        private volatile boolean running = true;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong wsTrades = new AtomicLong();
        private final List<Long> latencies = new CopyOnWriteArrayList<>();
        private Thread trader;
        private WebSocket socket;

        Control(String api, SignedClient seller, SignedClient buyer, int wsPort) {
            this.api = api;
            this.seller = seller;
            this.buyer = buyer;
            this.wsPort = wsPort;
        }

        void start() throws Exception {
            socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + wsPort + "/"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            if (data.toString().contains("\"stream\":\"trade.SOL_USDC\"")) {
                                wsTrades.incrementAndGet();
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"]}", true).get(5, TimeUnit.SECONDS);
            trader = Thread.ofVirtual().start(() -> {
                long clientId = 0;
                while (running) {
                    for (SignedClient client : List.of(seller, buyer)) {
                        clientId++;
                        long started = System.nanoTime();
                        try {
                            HttpResponse<String> response = client.send(api, "POST", "/api/v1/order", "orderExecute",
                                    limitOrder(client == seller ? "Ask" : "Bid", "100", "0.1", clientId));
                            if (response.statusCode() == 200) {
                                acked.incrementAndGet();
                                latencies.add(System.nanoTime() - started);
                            } else {
                                refused.incrementAndGet();
                                violations.add("control order refused: " + response.statusCode() + " "
                                        + response.body());
                            }
                        } catch (Exception e) {
                            refused.incrementAndGet();
                            violations.add("control order lost: " + e);
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            trader.join(Duration.ofSeconds(30));
            socket.abort();
        }

        double percentile(double p) {
            List<Long> sorted = latencies.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return 0;
            }
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)) / 1e6;
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    private void expect4xx(String label, Answer answer) {
        statuses.computeIfAbsent(answer.status() == 0 ? "no answer" : Integer.toString(answer.status()),
                k -> new AtomicInteger()).incrementAndGet();
        if (answer.status() < 400 || answer.status() >= 500) {
            violations.add(label + " -> " + answer.status() + " " + abbreviate(answer.body()));
            return;
        }
        if (!answer.body().matches("(?s)\\s*\\{.*\"code\"\\s*:\\s*\"[A-Z_]+\".*\"message\"\\s*:\\s*\".+\".*\\}\\s*")) {
            violations.add(label + " -> " + answer.status() + " without a {code, message} body: "
                    + abbreviate(answer.body()));
        }
    }

    private Answer signedRaw(SignedClient client, String method, String path, String instruction,
            Map<String, String> params, byte[] body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(signedHeaders(client, instruction, params,
                System.currentTimeMillis(), "5000"));
        headers.putIfAbsent("Content-Type", "application/json");
        headers.putAll(extraHeaders);
        return raw(method, path, headers, body);
    }

    private static Map<String, String> signedHeaders(SignedClient client, String instruction, Map<String, String> params,
            long timestamp, String window) {
        String query = new TreeMap<>(params).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        String signing = "instruction=" + instruction + (query.isEmpty() ? "" : "&" + query) + "&timestamp="
                + timestamp + "&window=" + window;
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-API-Key", client.apiKey());
            headers.put("X-Signature", client.sign(signing));
            headers.put("X-Timestamp", Long.toString(timestamp));
            headers.put("X-Window", window);
            return headers;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP/1.1 request over its own socket, bytes exactly as given; status 0 if the server sent nothing. */
    private Answer raw(String method, String target, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", routerPort), 2_000);
            socket.setSoTimeout(15_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> header : headers.entrySet()) {
                request.write((header.getKey() + ": " + header.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (body != null) {
                request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            request.write("\r\n".getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                request.write(body);
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException refusedEarly) {
                // The server may answer and close before reading a huge request; read what it sent.
            }
            InputStream in = socket.getInputStream();
            byte[] response = in.readAllBytes();
            int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            String head = new String(response, 0, split < 0 ? response.length : split, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 ")) {
                return new Answer(0, head);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            byte[] payload = split < 0 ? new byte[0]
                    : java.util.Arrays.copyOfRange(response, split + 4, response.length);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                payload = dechunk(payload);
            }
            return new Answer(status, new String(payload, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Answer(0, e.toString());
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (at < chunked.length) {
            int eol = indexOf(chunked, crlf, at);
            if (eol < 0) {
                break;
            }
            String sizeLine = new String(chunked, at, eol - at, StandardCharsets.US_ASCII).trim();
            int size = Integer.parseInt(sizeLine.split(";")[0], 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, eol + 2, Math.min(size, chunked.length - eol - 2));
            at = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, Object> limitOrder(String side, String price, String quantity, Long clientId) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("symbol", "SOL_USDC");
        order.put("side", side);
        order.put("orderType", "Limit");
        order.put("price", price);
        order.put("quantity", quantity);
        if (clientId != null) {
            order.put("clientId", clientId);
        }
        return order;
    }

    private String victimState(LocalStack.Settings settings, long victimId) throws Exception {
        try (Connection c = database(settings); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT concat_ws('|', (SELECT string_agg(concat_ws(',', id, status, executed_quantity, locked), ';' "
                        + "ORDER BY id) FROM orders WHERE account_id = " + victimId + "), (SELECT string_agg(concat_ws("
                        + "',', asset, available, locked), ';' ORDER BY asset) FROM balance WHERE account_id = "
                        + victimId + "))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection database(LocalStack.Settings settings) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/exchange",
                "postgres", "");
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + ")" : value;
        return shown.replace("\u0000", "\\0").replace("\n", "\\n");
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
