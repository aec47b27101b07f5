package exchange.loadgen;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;

/**
 * One load run, start to end: read the market, create and fund the accounts, connect the WebSocket clients and
 * make sure their subscriptions are live, warm up, measure, let the stack quiesce, verify, report.
 */
final class LoadRun {

    /** A problem before any load was sent (stack unreachable, bad token, unknown market): exit code 2. */
    static final class SetupException extends RuntimeException {
        SetupException(String message) {
            super(message);
        }
    }

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
    private static final long WALK_PERIOD_MILLIS = 100;

    private final Options options;
    private final ExchangeClient client;
    private final OrderTracker tracker = new OrderTracker();
    private final Stats stats = new Stats();
    private final Trading.Window window = new Trading.Window();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();

    LoadRun(Options options) {
        this.options = options;
        // Closed loop: one request per client (two for a replace, in turn); open loop: up to max-in-flight; plus
        // the set-up's and the verification's own requests.
        int connections = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(options.concurrency(),
                options.maxInFlight())) + 64;
        this.client = new ExchangeClient(options.restUrl(), options.adminUrl(), options.adminToken(), HTTP_TIMEOUT,
                connections);
    }

    /** @return the process exit code: 0 all checks passed, 1 a check failed */
    int run() throws Exception {
        Market market = market();
        long mid = initialMid(market);
        System.out.printf("Market %s: tick %s, step %s, minimum %s; starting mid %s%n", market.symbol(),
                Market.plain(market.tickSize()), Market.plain(market.stepSize()),
                Market.plain(market.minQuantity()), market.price(mid));
        List<TraderAccount> accounts = createAccounts(market, mid);
        Map<String, Long> pids = processes();

        List<StreamClient> streams = connectStreams(market, accounts);
        awaitSubscriptions(market, accounts, streams, mid);

        PriceWalk walk = new PriceWalk(options.seed(), mid, 2, 0.05);
        BigDecimal midPrice = new BigDecimal(market.price(mid));
        long maxSteps = Math.max(market.minSteps(), BigDecimal.valueOf(options.depositQuote())
                .divide(BigDecimal.valueOf(1000), 18, RoundingMode.FLOOR)
                .divide(midPrice.multiply(market.stepSize()), 0, RoundingMode.FLOOR).longValue());
        OrderMix mix = new OrderMix(OrderMix.Weights.DEFAULT, options.maxRestingPerAccount(), 20, 5,
                market.minSteps(), maxSteps);
        Trading trading = new Trading(client, market, mix, walk, tracker, stats, window);

        Report.Result result = drive(trading, walk, accounts, streams, pids, market);
        System.out.print(Report.table(result));
        if (options.report() != null) {
            Files.writeString(options.report(), Json.PRETTY.writeValueAsString(Report.json(result)));
            System.out.println("\nReport written to " + options.report());
        }
        streams.forEach(StreamClient::close);
        client.close();
        return result.passed() ? 0 : 1;
    }

    private Report.Result drive(Trading trading, PriceWalk walk, List<TraderAccount> accounts,
            List<StreamClient> streams, Map<String, Long> pids, Market market) throws Exception {
        long begin = System.nanoTime();
        long measureStart = begin + options.warmup().toNanos();
        long measureEnd = measureStart + options.duration().toNanos();
        window.open(measureStart);
        window.close(measureEnd);

        Thread walker = Thread.ofPlatform().daemon().name("price-walk").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                walk.step();
                try {
                    Thread.sleep(WALK_PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Map<String, ProcessStats.Sample> startSamples = new LinkedHashMap<>();
        Map<String, Long> tcpStart = new ConcurrentHashMap<>();
        Map<String, HeapProbe> heapProbes = new LinkedHashMap<>();
        if (pids.containsKey("router")) {
            heapProbes.put("router", new HeapProbe(client.http(), options.restUrl()));
        }
        if (pids.containsKey("ws-stream")) {
            heapProbes.put("ws-stream", new HeapProbe(client.http(), options.wsUrl()));
        }
        Map<String, long[]> heaps = new ConcurrentHashMap<>();   // start, max, end
        long[] sampleTimes = new long[2];
        Thread sampler = Thread.ofPlatform().daemon().name("process-sampler").start(() -> {
            LockSupport.parkNanos(measureStart - System.nanoTime());
            sampleTimes[0] = System.nanoTime();
            tcpStart.putAll(ProcessStats.tcpCounters());
            pids.forEach((name, pid) -> startSamples.put(name, ProcessStats.sample(pid)));
            heapProbes.forEach((name, probe) -> {
                long used = probe.heapUsed();
                heaps.put(name, new long[] {used, used, -1});
            });
            // The peak matters more than the ends: poll through the window and the drain.
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
                heapProbes.forEach((name, probe) -> {
                    long used = probe.heapUsed();
                    heaps.computeIfPresent(name, (n, h) -> new long[] {h[0], Math.max(h[1], used), h[2]});
                });
            }
        });
        Thread progress = Thread.ofPlatform().daemon().name("progress").start(() -> {
            long last = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
                long done = trading.completed();
                long now = System.nanoTime();
                String phase = now < measureStart ? "warm-up" : now < measureEnd ? "measuring" : "draining";
                System.out.printf("  %5.0f s %-9s %,9d actions (%,.0f/s over the last 5 s), %,d in flight, mid %s%n",
                        (now - begin) / 1e9, phase, done, (done - last) / 5.0, inFlight.get(),
                        market.price(walk.mid()));
                last = done;
            }
        });

        System.out.printf("Load: %s for %.0f s warm-up + %.0f s measured...%n", options.mode() == Options.Mode.MAX
                ? "closed loop, " + options.concurrency() + " clients"
                : "open loop, " + options.rate() + " actions/s", options.warmup().toMillis() / 1000.0,
                options.duration().toMillis() / 1000.0);
        if (options.mode() == Options.Mode.MAX) {
            closedLoop(trading, accounts, measureEnd);
        } else {
            openLoop(trading, accounts, begin, measureStart, measureEnd);
        }
        sampleTimes[1] = System.nanoTime();
        Map<String, Long> tcp = new LinkedHashMap<>();
        ProcessStats.tcpCounters().forEach((name, value) -> {
            if (tcpStart.containsKey(name)) {
                tcp.put(name, value - tcpStart.get(name));
            }
        });
        Map<String, ProcessStats.Sample> endSamples = new LinkedHashMap<>();
        pids.forEach((name, pid) -> endSamples.put(name, ProcessStats.sample(pid)));
        sampler.interrupt();
        sampler.join();
        heapProbes.forEach((name, probe) -> {
            long used = probe.heapUsed();
            heaps.computeIfPresent(name, (n, h) -> new long[] {h[0], Math.max(h[1], used), used});
        });
        walker.interrupt();
        progress.interrupt();
        Stats.Snapshot snapshot = stats.snapshot();

        double wall = (sampleTimes[1] - sampleTimes[0]) / 1e9;
        List<Report.ProcessUse> processes = new ArrayList<>();
        pids.forEach((name, pid) -> {
            long[] heap = heaps.getOrDefault(name, new long[] {-1, -1, -1});
            processes.add(new Report.ProcessUse(name, pid, startSamples.get(name), endSamples.get(name), wall,
                    heap[0], heap[2], heap[1]));
        });

        System.out.println("Load stopped; waiting for the stack to quiesce...");
        StreamClient.Snapshot rest = quiesce(market, streams);
        List<Verifier.Check> checks = options.verify() ? verify(streams, rest) : List.of();

        long gaps = streams.stream().mapToLong(s -> s.book().gaps()).sum();
        long closed = streams.stream().filter(s -> s.closed() != null).count();
        Report.StreamCounts counts = new Report.StreamCounts(
                streams.stream().mapToLong(StreamClient::depthMessages).sum(),
                streams.stream().mapToLong(StreamClient::tradeMessages).sum(),
                streams.stream().mapToLong(StreamClient::orderMessages).sum(),
                streams.stream().mapToLong(StreamClient::fillAfterFinal).sum(), gaps, closed);
        Report.Setup setup = new Report.Setup(options.mode().name().toLowerCase(), options.rate(),
                options.concurrency(), options.accounts(), options.wsClients(), options.privateClients(),
                market.symbol(), options.warmup().toMillis() / 1000.0, options.seed(), market.price(walk.start()));
        return new Report.Result(setup, options.duration().toMillis() / 1000.0, snapshot, maxInFlight.get(), counts,
                processes, tcp, checks);
    }

    /** C clients, each sending its next action when the previous one is answered. */
    private void closedLoop(Trading trading, List<TraderAccount> accounts, long measureEnd) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < options.concurrency(); i++) {
                TraderAccount account = accounts.get(i % accounts.size());
                clients.add(executor.submit(() -> {
                    while (System.nanoTime() < measureEnd) {
                        started();
                        try {
                            trading.act(account, System.nanoTime());
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        }
    }

    /**
     * Arrivals at a fixed rate, each on its own virtual thread, so a slow answer never delays the next send;
     * each action is timed from its scheduled time. During the warm-up the rate rises linearly from a tenth to
     * the full rate (unless {@code --no-ramp}), so the client's connection pool grows with the load instead of
     * opening hundreds of connections at once. Beyond {@code --max-in-flight} unanswered actions an arrival is
     * counted as dropped rather than queued without bound.
     */
    private void openLoop(Trading trading, List<TraderAccount> accounts, long begin, long measureStart,
            long measureEnd) {
        OpenSchedule schedule = new OpenSchedule(options.rate(), begin, options.ramp() ? measureStart : begin);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; ; i++) {
                long intended = schedule.next();
                if (intended >= measureEnd) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (inFlight.get() >= options.maxInFlight()) {
                    if (window.contains(intended)) {
                        stats.dropped();
                    }
                    continue;
                }
                TraderAccount account = accounts.get((int) (i % accounts.size()));
                started();
                executor.execute(() -> {
                    try {
                        trading.act(account, intended);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            }
        }
    }

    private void started() {
        long now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    private Market market() {
        ExchangeClient.Response response = client.get("/api/v1/markets");
        if (!response.ok()) {
            throw new SetupException("GET " + options.restUrl() + "/api/v1/markets answered " + response.status()
                    + " " + response.body() + ": is the stack running (./run-local)?");
        }
        for (JsonNode m : response.json()) {
            if (options.market().equals(Json.textOf(m.get("symbol")))) {
                if (!"Open".equals(Json.textOf(m.get("orderBookState")))) {
                    throw new SetupException("Market " + options.market() + " is not open: "
                            + Json.textOf(m.get("orderBookState")));
                }
                JsonNode filters = m.get("filters");
                return new Market(options.market(), Json.textOf(m.get("baseSymbol")),
                        Json.textOf(m.get("quoteSymbol")),
                        new BigDecimal(filters.get("price").get("tickSize").asString()),
                        new BigDecimal(filters.get("quantity").get("stepSize").asString()),
                        new BigDecimal(filters.get("quantity").get("minQuantity").asString()));
            }
        }
        throw new SetupException("No market " + options.market() + " in GET /api/v1/markets");
    }

    /** The middle of the current book, else the last trade, else 100. */
    private long initialMid(Market market) {
        ExchangeClient.Response depth = client.get("/api/v1/depth?symbol=" + market.symbol() + "&limit=5");
        if (depth.ok()) {
            StreamClient.Snapshot book = StreamClient.Snapshot.parse(depth.json());
            BigDecimal bid = book.bids().stream().map(LocalBook.Level::price).max(BigDecimal::compareTo).orElse(null);
            BigDecimal ask = book.asks().stream().map(LocalBook.Level::price).min(BigDecimal::compareTo).orElse(null);
            if (bid != null && ask != null) {
                return Math.max(1, (market.ticks(bid) + market.ticks(ask)) / 2);
            }
            if (bid != null || ask != null) {
                return Math.max(1, market.ticks(bid != null ? bid : ask));
            }
        }
        ExchangeClient.Response trades = client.get("/api/v1/trades?symbol=" + market.symbol() + "&limit=1");
        if (trades.ok() && trades.json().size() > 0) {
            return Math.max(1, market.ticks(new BigDecimal(trades.json().get(0).get("price").asString())));
        }
        return Math.max(1, market.ticks(BigDecimal.valueOf(100)));
    }

    private List<TraderAccount> createAccounts(Market market, long mid) throws Exception {
        if (options.adminToken() == null || options.adminToken().isBlank()) {
            throw new SetupException("No admin token: give --admin-token or --data-dir (the stack's data directory "
                    + "holds admin-token)");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        BigDecimal midPrice = new BigDecimal(market.price(mid));
        String quote = Long.toString(options.depositQuote());
        String base = BigDecimal.valueOf(options.depositQuote()).divide(midPrice, 0, RoundingMode.FLOOR)
                .max(BigDecimal.ONE).toPlainString();
        System.out.printf("Creating %d accounts (run %s), each with %s %s and %s %s...%n", options.accounts(), run,
                quote, market.quoteSymbol(), base, market.baseSymbol());
        SecureRandom random = new SecureRandom();
        List<TraderAccount> accounts = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(8, Thread.ofVirtual().factory())) {
            List<Future<TraderAccount>> futures = new ArrayList<>();
            for (int i = 0; i < options.accounts(); i++) {
                int index = i;
                Ed25519Signer key = Ed25519Signer.generate(random);
                futures.add(executor.submit(() -> {
                    ExchangeClient.Response created = client.admin("POST", "/admin/v1/accounts",
                            Json.write(Map.of("label", "loadgen-" + run + "-" + index,
                                    "publicKeys", List.of(key.apiKey()))));
                    requireOk(created, "create an account");
                    long id = Json.longOf(created.json().get("accountId"), -1);
                    for (String[] deposit : new String[][] {{market.quoteSymbol(), quote}, {market.baseSymbol(), base}}) {
                        ExchangeClient.Response r = client.admin("POST", "/admin/v1/accounts/" + id + "/deposits",
                                Json.write(Map.of("asset", deposit[0], "amount", deposit[1],
                                        "externalId", "loadgen-" + run + "-" + index + "-" + deposit[0])));
                        requireOk(r, "deposit " + deposit[0]);
                    }
                    return new TraderAccount(index, id, key, options.seed() * 1_000_003L + index);
                }));
            }
            for (Future<TraderAccount> f : futures) {
                try {
                    accounts.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SetupException setup) {
                        throw setup;
                    }
                    throw e;
                }
            }
        }
        System.out.printf("Accounts %d..%d ready%n", accounts.stream().mapToLong(a -> a.accountId).min().orElse(0),
                accounts.stream().mapToLong(a -> a.accountId).max().orElse(0));
        return accounts;
    }

    private void requireOk(ExchangeClient.Response response, String what) {
        if (!response.ok()) {
            throw new SetupException("Admin API (" + options.adminUrl() + ") refused to " + what + ": "
                    + response.status() + " " + response.body()
                    + (response.status() == 401 || response.status() == 403 ? " (check --admin-token)" : ""));
        }
    }

    /** Named pids: given with --pids, else the local processes listening on the stack's ports. */
    private Map<String, Long> processes() {
        Map<String, Long> pids = new LinkedHashMap<>(options.pids());
        if (pids.isEmpty()) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            addPort(ports, "router", options.restUrl());
            addPort(ports, "ws-stream", options.wsUrl());
            addPort(ports, "postgres", options.jdbcUrl().replaceFirst("^jdbc:", ""));
            if (isLocal(options.redisHost())) {
                ports.put("redis", options.redisPort());
            }
            pids.putAll(ProcessStats.listeners(ports));
        }
        pids.put("loadgen", ProcessHandle.current().pid());
        System.out.println("Processes measured: " + pids);
        return pids;
    }

    private static void addPort(Map<String, Integer> ports, String name, String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null && isLocal(uri.getHost()) && uri.getPort() > 0) {
                ports.put(name, uri.getPort());
            }
        } catch (IllegalArgumentException e) {
            // not a URL we can read a port from: not discovered
        }
    }

    private static boolean isLocal(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private List<StreamClient> connectStreams(Market market, List<TraderAccount> accounts) throws Exception {
        List<StreamClient> streams = new ArrayList<>();
        for (int i = 0; i < options.wsClients(); i++) {
            TraderAccount watched = i < options.privateClients() ? accounts.get(i) : null;
            StreamClient s = new StreamClient(i, options.wsUrl(), market, watched, stats, window, tracker,
                    () -> client.get("/api/v1/depth?symbol=" + market.symbol() + "&limit=1000"));
            try {
                s.connect(client.http());
            } catch (Exception e) {
                throw new SetupException("Cannot connect to " + options.wsUrl() + ": " + e);
            }
            streams.add(s);
        }
        if (!streams.isEmpty()) {
            System.out.printf("%d WebSocket clients connected (%d watching an account's orderUpdate stream)%n",
                    streams.size(), options.privateClients());
        }
        return streams;
    }

    /**
     * ws-stream does not answer a good SUBSCRIBE, so the subscriptions are proven live before the load: a
     * post-only order far below the mid, placed and cancelled by each watched account (or the first account),
     * must reach every client on {@code depth} and each watched account's client on its private stream. Then
     * every client loads its REST snapshot.
     */
    private void awaitSubscriptions(Market market, List<TraderAccount> accounts, List<StreamClient> streams,
            long mid) throws InterruptedException {
        if (streams.isEmpty()) {
            return;
        }
        List<TraderAccount> probers = new ArrayList<>();
        streams.stream().filter(s -> s.watched() != null).forEach(s -> probers.add(s.watched()));
        if (probers.isEmpty()) {
            probers.add(accounts.getFirst());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (TraderAccount account : probers) {
                probe(market, account, Math.max(1, mid / 2));
            }
            Thread.sleep(500);
            boolean live = streams.stream().allMatch(s -> s.depthMessages() > 0
                    && (s.watched() == null || s.orderMessages() > 0));
            if (live) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new SetupException("WebSocket subscriptions did not deliver within 20 s; errors: "
                        + streams.stream().flatMap(s -> s.errors().stream()).toList());
            }
        }
        streams.forEach(StreamClient::requestSnapshot);
        while (!streams.stream().allMatch(s -> s.book().synced())) {
            if (System.nanoTime() > deadline) {
                throw new SetupException("WebSocket clients could not sync their books from GET /api/v1/depth");
            }
            Thread.sleep(50);
        }
        System.out.println("Subscriptions live, books synced");
    }

    private void probe(Market market, TraderAccount account, long priceTicks) {
        ExchangeClient.Response placed = client.signed(account.key, "POST", "/api/v1/order", "orderExecute",
                Map.of("symbol", market.symbol(), "side", "Bid", "orderType", "Limit", "postOnly", true,
                        "price", market.price(priceTicks), "quantity", market.quantity(market.minSteps())));
        if (!placed.ok()) {
            throw new SetupException("Probe order of account " + account.accountId + " refused: " + placed.status()
                    + " " + placed.body());
        }
        long orderId = Json.longOf(placed.json().get("id"), -1);
        tracker.observe(orderId, account.accountId, Json.textOf(placed.json().get("status")),
                Json.decimalOf(placed.json().get("executedQuantity")));
        tracker.cancelRequested(orderId);
        ExchangeClient.Response cancelled = client.signed(account.key, "DELETE", "/api/v1/order", "orderCancel",
                Map.of("symbol", market.symbol(), "orderId", Long.toString(orderId)));
        if (cancelled.ok()) {
            tracker.observe(orderId, account.accountId, Json.textOf(cancelled.json().get("status")),
                    Json.decimalOf(cancelled.json().get("executedQuantity")));
        }
    }

    /**
     * Waits (at most 30 s) until nothing moves any more: the REST book's update id and every client's message
     * counts unchanged for a second, and every client's book at the REST update id. Returns the REST book, or
     * null if the REST API does not answer.
     */
    private StreamClient.Snapshot quiesce(Market market, List<StreamClient> streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        StreamClient.Snapshot previous = null;
        long previousMessages = -1;
        while (true) {
            ExchangeClient.Response r = client.get("/api/v1/depth?symbol=" + market.symbol() + "&limit=1000");
            StreamClient.Snapshot rest = r.ok() ? StreamClient.Snapshot.parse(r.json()) : null;
            long messages = streams.stream().mapToLong(s -> s.depthMessages() + s.tradeMessages() + s.orderMessages())
                    .sum();
            boolean caughtUp = rest != null && streams.stream().allMatch(s -> s.book().lastUpdateId()
                    == rest.lastUpdateId() || s.closed() != null);
            if (rest != null && previous != null && previous.lastUpdateId() == rest.lastUpdateId()
                    && messages == previousMessages && caughtUp) {
                return rest;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("Stack did not quiesce within 30 s" + (rest == null ? " (GET /api/v1/depth: "
                        + r.status() + " " + r.body() + ")" : "") + "; verifying what there is");
                return rest;
            }
            previous = rest;
            previousMessages = messages;
            Thread.sleep(1000);
        }
    }

    private List<Verifier.Check> verify(List<StreamClient> streams, StreamClient.Snapshot rest) throws Exception {
        Verifier verifier = new Verifier(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword());
        List<Verifier.Check> checks = new ArrayList<>();
        List<StreamClient> watching = streams.stream().filter(s -> s.watched() != null).toList();
        Set<Long> watched = new HashSet<>();
        watching.forEach(s -> watched.add(s.watched().accountId));
        try (Connection c = verifier.connect()) {
            checks.add(verifier.orders(c, tracker.all(), watched));
            checks.add(verifier.conservation(c));
            checks.add(rest != null ? verifier.books(streams, rest) : new Verifier.Check("books", false,
                    "GET /api/v1/depth does not answer after the run: nothing to compare the books with", List.of()));
            checks.add(verifier.fills(c, watching));
            c.rollback();
        } catch (SQLException e) {
            checks.add(new Verifier.Check("database", false, "PostgreSQL (" + options.jdbcUrl()
                    + ") could not be read: " + e.getMessage(), List.of()));
        }
        return checks;
    }
}
