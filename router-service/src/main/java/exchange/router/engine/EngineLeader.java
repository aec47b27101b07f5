package exchange.router.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.Command;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.MarketStatus;
import exchange.common.engine.MatchingEngine;
import exchange.common.engine.OrderSnapshot;
import exchange.router.order.OrderResponse;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

/**
 * Competes for the engine lease and, while holding it, runs the matching engine: takes the command stream in
 * batches (read and parsed ahead by a {@link CommandReader}), applies each command in order, commits everything
 * the batch changed in one fenced PostgreSQL transaction, and only then hands the replies and market data to the
 * publisher thread, which renders and sends them.
 *
 * <p>On any failure to commit (database down, lease lost) it drops the in-memory engine and competes again;
 * the next leader, possibly this one, rebuilds from PostgreSQL and re-reads the stream after the last
 * committed command, so every command is applied exactly once. Replies and market data lost to a Redis
 * outage are never acknowledged work: clients time out and retry idempotently.
 */
@Component
class EngineLeader implements SmartLifecycle, EngineLeadership {

    private static final Logger log = LoggerFactory.getLogger(EngineLeader.class);
    private static final int RECENT_TRADES = 1000;

    private final LeaderLease lease;
    private final StringRedisTemplate redis;
    private final EngineStore store;
    private final EngineProperties properties;
    private final EngineOutput output;
    private final ObjectMapper json;
    private final Timer applyTimer;
    private final Timer commitTimer;
    private final Timer publishTimer;
    private final Timer takeTimer;
    private final Timer handOffTimer;
    private final DistributionSummary batchSize;

    private volatile boolean running;
    private volatile boolean leading;
    private volatile Thread thread;
    private volatile Thread publisher;
    /**
     * Committed batches waiting to be sent; bounded (a batch can hold thousands of messages), so a slow Redis
     * slows the engine instead of growing memory.
     */
    private final BlockingQueue<Publication> publications = new ArrayBlockingQueue<>(16);
    /** Publications handed over and not yet sent: queued, or being rendered and sent. */
    private final AtomicInteger unsent = new AtomicInteger();
    /** Most client orders remembered for idempotent retries, whatever the window. */
    private static final int MAX_REMEMBERED = 1_000_000;
    private long renewedAt;
    private long batchesSinceTrim;
    /** The publisher thread's own connection for its pipelines; publisher thread only. */
    private RedisConnection publishConnection;

    /**
     * Everything one committed batch sends to Redis. The engine thread captures it (immutable events and order
     * states, copies of the changed books' levels, the few messages that need the engine's running state); the
     * publisher thread renders the rest, which was about an eighth of the engine thread's time per batch
     * (docs/ARCHITECTURE.md, "Rendering after the hand-off").
     */
    private record Publication(Map<String, List<EngineReply>> replies, List<EngineEvent> events,
            List<EngineEvent.Trade> trades, Map<Long, OrderSnapshot> orders, Map<String, MarketUnits> markets,
            List<EngineOutput.StreamMessage> engineMessages, Map<String, EngineOutput.DepthLevels> depth,
            Map<String, Long> depthIds, long timestamp, String trimTo) {
    }

    EngineLeader(LeaderLease lease, StringRedisTemplate redis, EngineStore store, EngineProperties properties,
            ObjectMapper json, MeterRegistry meters) {
        this.applyTimer = Timer.builder("exchange.engine.batch.apply").description("Applying a batch in memory")
                .publishPercentileHistogram().register(meters);
        this.commitTimer = Timer.builder("exchange.engine.batch.commit")
                .description("Writing and committing a batch in PostgreSQL").publishPercentileHistogram()
                .register(meters);
        this.publishTimer = Timer.builder("exchange.engine.batch.publish")
                .description("Sending a committed batch's replies and market data to Redis (publisher thread)")
                .register(meters);
        this.takeTimer = Timer.builder("exchange.engine.batch.take")
                .description("Waiting for and taking a batch's commands from the stream reader (engine thread)")
                .register(meters);
        this.handOffTimer = Timer.builder("exchange.engine.batch.handoff")
                .description("Capturing a committed batch's output and queueing it for the publisher thread, waiting"
                        + " while its queue is full (engine thread)")
                .register(meters);
        this.batchSize = DistributionSummary.builder("exchange.engine.batch.size")
                .description("Commands per batch").register(meters);
        Gauge.builder("exchange.engine.leader", this, leader -> leader.leading ? 1 : 0)
                .description("1 while this replica runs the engine").register(meters);
        this.lease = lease;
        this.redis = redis;
        this.store = store;
        this.properties = properties;
        this.json = json;
        this.output = new EngineOutput(json);
    }

    @Override
    public boolean isLeading() {
        return leading;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("engine-leader").daemon(false).start(this::compete);
        publisher = Thread.ofPlatform().name("engine-publisher").daemon(true).start(this::sendPublications);
    }

    @Override
    public void stop() {
        running = false;
        // The leader first (its last committed batch is queued by then), then the publisher, which sees "running"
        // false within 100 ms and sends what is queued before it ends. The publisher is not interrupted: that
        // would break the send in progress.
        if (thread != null) {
            thread.interrupt();
        }
        for (Thread worker : new Thread[] {thread, publisher}) {
            if (worker != null) {
                try {
                    worker.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Start after the web server (replies need this replica's listeners) and stop before the data sources.
        return Integer.MAX_VALUE - 100;
    }

    private void compete() {
        while (running) {
            OptionalLong epoch = OptionalLong.empty();
            try {
                epoch = lease.tryAcquire();
            } catch (RuntimeException e) {
                log.warn("Cannot check the engine lease: {}", e.getMessage());
            }
            if (epoch.isEmpty()) {
                pause(properties.standbyPoll().toMillis());
                continue;
            }
            try {
                lead(epoch.getAsLong());
            } catch (LeaderLease.FencedException e) {
                log.warn(e.getMessage());
            } catch (RuntimeException e) {
                log.error("Engine leader stopped; dropping in-memory state and competing again", e);
                pause(properties.standbyPoll().toMillis());
            } finally {
                leading = false;
                if (!running) {
                    try {
                        lease.release(epoch.getAsLong());
                    } catch (RuntimeException e) {
                        log.warn("Could not release the engine lease: {}", e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * Renews the lease when a third of it has passed since the last renewal. Called between the steps of a
     * rebuild and between commands of a long batch, so slow work never lets the lease lapse.
     *
     * @throws LeaderLease.FencedException if the lease is gone
     */
    private void keepLease(long epoch) {
        if (System.nanoTime() - renewedAt > properties.lease().toNanos() / 3) {
            if (!lease.renew(epoch)) {
                throw new LeaderLease.FencedException(epoch);
            }
            renewedAt = System.nanoTime();
        }
    }

    /** One leadership term: rebuild, then batches until the lease is lost or the app stops. */
    private void lead(long epoch) {
        long started = System.nanoTime();
        renewedAt = started;
        awaitPublished(Duration.ofSeconds(5));
        EngineStore.Loaded loaded = store.load();
        keepLease(epoch);
        TrackingListener listener = new TrackingListener();
        MatchingEngine engine = MatchingEngine.restore(loaded.state(), listener);
        Term term = new Term(epoch, engine, listener, loaded);
        store.recentClientOrders(properties.idempotencyWindow(), term.markets,
                recent -> term.remember(recent, recent.createdAt()), () -> keepLease(epoch));
        keepLease(epoch);
        term.publishAllDepthSnapshots();
        leading = true;
        log.info("Engine leader (epoch {}) ready in {} ms at command {} (stream {})", epoch,
                (System.nanoTime() - started) / 1_000_000, loaded.state().lastCommandId(), loaded.lastStreamId());
        try (CommandReader reader = new CommandReader(redis.getRequiredConnectionFactory(), json,
                properties.streamKey(), properties.batchMax(), term.lastStreamId)) {
            List<CommandReader.Entry> unapplied = List.of();
            while (running) {
                long waiting = System.nanoTime();
                List<CommandReader.Entry> entries = unapplied.isEmpty()
                        ? reader.take(properties.batchMax(), Duration.ofMillis(50)) : unapplied;
                if (entries.isEmpty()) {
                    keepLease(epoch);
                    continue;
                }
                long begin = System.nanoTime();
                Batch batch = term.apply(entries);
                // Entries left when the batch reached its bound go into the next batch. The reader stops a take at
                // the same bound, so this is only a safeguard.
                unapplied = entries.subList(batch.entries, entries.size());
                long applied = System.nanoTime();
                store.commit(lease, epoch, batch, term.markets, term.assetDecimals);
                renewedAt = System.nanoTime();
                term.committed(batch);
                publish(batch, term);
                takeTimer.record(begin - waiting, TimeUnit.NANOSECONDS);
                applyTimer.record(applied - begin, TimeUnit.NANOSECONDS);
                commitTimer.record(renewedAt - applied, TimeUnit.NANOSECONDS);
                handOffTimer.record(System.nanoTime() - renewedAt, TimeUnit.NANOSECONDS);
                batchSize.record(batch.commands);
            }
        }
    }

    private static void closeQuietly(RedisConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // already broken; a new one is opened when next needed
            }
        }
    }

    /**
     * Hands the batch's replies and market data to the publisher thread, so the engine can apply and commit the
     * next batch while this one is rendered and sent. Order is kept: one publisher, FIFO.
     */
    private void publish(Batch batch, Term term) {
        Map<String, List<EngineReply>> byChannel = new LinkedHashMap<>();
        for (Batch.Reply reply : batch.replies) {
            byChannel.computeIfAbsent(reply.channel(), c -> new ArrayList<>()).add(reply.reply());
        }
        String trimTo = ++batchesSinceTrim % 100 == 0 ? batch.lastStreamId : null;
        Map<String, EngineOutput.DepthLevels> depth = new LinkedHashMap<>();
        Map<String, Long> depthIds = new LinkedHashMap<>();
        for (String symbol : batch.depthUpdateIds.keySet()) {
            depth.put(symbol, EngineOutput.DepthLevels.of(term.bidBooks.get(symbol), term.askBooks.get(symbol)));
            depthIds.put(symbol, term.depthIds.get(symbol));
        }
        Publication publication = new Publication(byChannel, batch.events, batch.trades, batch.orders,
                Map.copyOf(term.markets), term.engineMessages(batch), depth, depthIds, batch.lastTimestamp, trimTo);
        unsent.incrementAndGet();
        try {
            publications.put(publication);
        } catch (InterruptedException e) {
            unsent.decrementAndGet();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until earlier terms' committed batches are sent, so a new term's depth snapshots are never
     * overwritten by older ones still in the queue.
     */
    private void awaitPublished(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (unsent.get() > 0 && System.nanoTime() < deadline) {
            pause(10);
        }
    }

    private void sendPublications() {
        try {
            while (running) {
                Publication publication;
                try {
                    publication = publications.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (publication != null) {
                    timedSend(publication);
                }
            }
            // Stopping: batches already committed still get their answers and market data out.
            Publication rest;
            while ((rest = publications.poll()) != null) {
                timedSend(rest);
            }
        } finally {
            closeQuietly(publishConnection);
            publishConnection = null;
        }
    }

    private void timedSend(Publication publication) {
        long begin = System.nanoTime();
        try {
            send(publication);
        } finally {
            unsent.decrementAndGet();
        }
        publishTimer.record(System.nanoTime() - begin, TimeUnit.NANOSECONDS);
    }

    /**
     * Renders and sends one batch's output: its replies in one pipeline, then its market data in another. They run
     * on a connection of its own, held by the publisher thread: asking the template for one per batch opened and
     * closed a TCP connection each time.
     */
    private void send(Publication p) {
        try {
            if (publishConnection == null || publishConnection.isClosed()) {
                publishConnection = redis.getRequiredConnectionFactory().getConnection();
            }
            RedisConnection connection = publishConnection;
            // The replies first, in a pipeline of their own: the clients wait for them, not for the market data
            // rendered next.
            connection.openPipeline();
            try {
                for (Map.Entry<String, List<EngineReply>> replies : p.replies().entrySet()) {
                    connection.publish(bytes(replies.getKey()), bytes(json.writeValueAsString(replies.getValue())));
                }
            } finally {
                connection.closePipeline();
            }
            MarketData data;
            try {
                data = render(p);
            } catch (RuntimeException e) {
                // A bug, not Redis: the replies are out; this batch's market data is lost (depth clients see the
                // gap in U/u and fetch a snapshot), the connection is fine.
                log.error("Could not render the market data of a committed batch", e);
                return;
            }
            connection.openPipeline();
            try {
                for (EngineOutput.StreamMessage message : data.messages()) {
                    connection.publish(bytes(message.channel()), bytes(message.payload()));
                }
                for (Map.Entry<String, String> snapshot : data.depthSnapshots().entrySet()) {
                    connection.stringCommands().set(bytes("exchange:md:depth:" + snapshot.getKey()),
                            bytes(snapshot.getValue()));
                }
                Set<String> tradeLists = new LinkedHashSet<>();
                for (String[] trade : data.trades()) {
                    connection.listCommands().lPush(bytes(trade[0]), bytes(trade[1]));
                    tradeLists.add(trade[0]);
                }
                for (String key : tradeLists) {
                    connection.listCommands().lTrim(bytes(key), 0, RECENT_TRADES - 1);
                }
                if (p.trimTo() != null) {
                    trimCommitted(connection, p.trimTo());
                }
            } finally {
                connection.closePipeline();
            }
        } catch (RuntimeException e) {
            closeQuietly(publishConnection);
            publishConnection = null;
            // Committed already; lost replies make clients time out and retry, which is idempotent.
            log.warn("Could not publish batch results to Redis: {}", e.getMessage());
        }
    }

    /** A batch's market data, rendered: stream messages, depth snapshots by market, REST trades (key, JSON). */
    private record MarketData(List<EngineOutput.StreamMessage> messages, Map<String, String> depthSnapshots,
            List<String[]> trades) {
    }

    private MarketData render(Publication p) {
        List<EngineOutput.StreamMessage> messages = new ArrayList<>();
        output.streamMessages(p.events(), p.markets(), EngineOutput.statesAfterFills(p.trades(), p.orders()), messages);
        messages.addAll(p.engineMessages());
        Map<String, String> snapshots = new LinkedHashMap<>();
        for (Map.Entry<String, EngineOutput.DepthLevels> book : p.depth().entrySet()) {
            String symbol = book.getKey();
            snapshots.put(symbol, output.depthSnapshot(book.getValue(), p.depthIds().get(symbol), p.timestamp(),
                    p.markets().get(symbol)));
        }
        List<String[]> trades = new ArrayList<>(p.trades().size());
        for (EngineEvent.Trade trade : p.trades()) {
            trades.add(new String[] {"exchange:md:trades:" + trade.symbol(),
                output.restTrade(trade, p.markets().get(trade.symbol()))});
        }
        return new MarketData(messages, snapshots, trades);
    }

    private void trimCommitted(RedisConnection connection, String committedId) {
        connection.execute("XTRIM", bytes(properties.streamKey()), bytes("MINID"), bytes("~"), bytes(committedId));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** State of one leadership term; engine thread only. */
    private final class Term {
        final long epoch;
        final MatchingEngine engine;
        final TrackingListener listener;
        final Map<String, MarketUnits> markets;
        final Map<String, Integer> assetDecimals;
        final Map<String, TreeMap<Long, Long>> bidBooks = new HashMap<>();
        final Map<String, TreeMap<Long, Long>> askBooks = new HashMap<>();
        final Map<String, Long> depthIds = new HashMap<>();
        final ClientOrderIndex clientOrders = new ClientOrderIndex();
        final Map<String, List<String>> bookTickers = new HashMap<>();
        final CandleTracker candles = new CandleTracker(store::candle);
        String lastStreamId;
        long lastCommandId;
        long lastTimestamp;
        long nextOrderId;
        long nextTradeId;
        long nextSequence;

        Term(long epoch, MatchingEngine engine, TrackingListener listener, EngineStore.Loaded loaded) {
            this.epoch = epoch;
            this.engine = engine;
            this.listener = listener;
            this.markets = new HashMap<>(loaded.markets());
            this.assetDecimals = new HashMap<>(loaded.assetDecimals());
            this.lastStreamId = loaded.lastStreamId();
            // A new leader's clock may run behind the last one's: timestamps never go backwards.
            this.lastTimestamp = loaded.lastCommitMicros();
            this.lastCommandId = loaded.state().lastCommandId();
            this.nextOrderId = loaded.state().nextOrderId();
            this.nextTradeId = loaded.state().nextTradeId();
            this.nextSequence = loaded.state().nextSequence();
            for (var market : loaded.state().markets()) {
                String symbol = market.spec().symbol();
                depthIds.put(symbol, market.depthUpdateId());
                bidBooks.put(symbol, aggregate(market.bids(), true));
                askBooks.put(symbol, aggregate(market.asks(), false));
            }
        }

        private TreeMap<Long, Long> aggregate(List<OrderSnapshot> orders, boolean bids) {
            TreeMap<Long, Long> book = new TreeMap<>();
            for (OrderSnapshot o : orders) {
                book.merge(o.price(), o.quantity() - o.executedQuantity(), Long::sum);
            }
            return book;
        }

        void publishAllDepthSnapshots() {
            try {
                long now = System.currentTimeMillis() * 1000;
                for (String symbol : markets.keySet()) {
                    redis.opsForValue().set("exchange:md:depth:" + symbol, output.depthSnapshot(
                            bidBooks.get(symbol), askBooks.get(symbol), depthIds.get(symbol), now, markets.get(symbol)));
                }
            } catch (RuntimeException e) {
                log.warn("Could not publish depth snapshots: {}", e.getMessage());
            }
        }

        Batch apply(List<CommandReader.Entry> entries) {
            Batch batch = new Batch();
            Map<String, Boolean> ledgerInBatch = new HashMap<>();
            int applied = 0;
            for (CommandReader.Entry entry : entries) {
                if (applied >= properties.batchMax()) {
                    break;
                }
                batch.entries++;
                String streamId = entry.streamId();
                List<StreamCommand> commands = entry.commands();
                applied += commands.size();
                if (commands.isEmpty()) {
                    // Routers never write these; skipping (and moving past) keeps one bad entry from stopping
                    // every leader that reads it.
                    log.warn("Skipping unreadable command entry {}", streamId);
                }
                for (StreamCommand command : commands) {
                    keepLease(epoch);
                    long timestamp = Math.max(lastTimestamp, System.currentTimeMillis() * 1000);
                    lastTimestamp = timestamp;
                    applyOne(command, timestamp, batch, ledgerInBatch);
                }
                batch.lastStreamId = streamId;
            }
            batch.commands = applied;
            forgetOldClientOrders();
            batch.lastCommandId = lastCommandId;
            batch.nextOrderId = nextOrderId;
            batch.nextTradeId = nextTradeId;
            batch.nextSequence = nextSequence;
            batch.lastTimestamp = lastTimestamp;
            return batch;
        }

        private void applyOne(StreamCommand c, long timestamp, Batch batch, Map<String, Boolean> ledgerInBatch) {
            if (StreamCommand.PLACE.equals(c.type()) && c.clientId() != StreamCommand.NO_CLIENT_ID) {
                long orderId = clientOrders.find(c.accountId(), c.clientId(), ClientOrderIndex.hash(parameters(c)),
                        timestamp - properties.idempotencyWindow().toNanos() / 1000);
                if (orderId >= 0) {
                    // Its state now: as this batch left it, or as committed before it (batches commit in turn).
                    OrderSnapshot original = batch.orders.containsKey(orderId) ? batch.orders.get(orderId)
                            : store.order(orderId, markets).orElse(null);
                    if (original == null) {
                        // Placing it again would duplicate the order the client already has: refuse, change nothing.
                        log.error("Order {} of a retried clientId is not in PostgreSQL", orderId);
                        reply(batch, c, new EngineReply(c.requestId(), 500, "{\"code\":\"SERVER_ERROR\","
                                + "\"message\":\"The order first placed with this clientId cannot be read\"}"));
                    } else {
                        reply(batch, c, output.ok(c.requestId(), EngineOutput.order(original,
                                markets.get(original.symbol()))));
                    }
                    return;
                }
            }
            boolean transfer = StreamCommand.DEPOSIT.equals(c.type()) || StreamCommand.WITHDRAW.equals(c.type());
            String ledgerKey = null;
            if (transfer) {
                if (c.externalId() == null || c.externalId().isBlank()
                        || c.externalId().chars().anyMatch(Character::isISOControl)) {
                    // PostgreSQL text cannot hold NUL: such a row would fail the batch's commit on every retry.
                    reply(batch, c, output.invalid(c.requestId(), "externalId must be 1-128 printable characters"));
                    return;
                }
                String kind = StreamCommand.DEPOSIT.equals(c.type()) ? "Deposit" : "Withdrawal";
                ledgerKey = c.accountId() + ":" + kind + ":" + c.externalId();
                if (!store.accountExists(c.accountId())) {
                    reply(batch, c, output.notFound(c.requestId(), "Account not found: " + c.accountId()));
                    return;
                }
                if (ledgerInBatch.containsKey(ledgerKey) || store.ledgerEntryExists(c.accountId(), kind, c.externalId())) {
                    reply(batch, c, output.ok(c.requestId(), Map.of("status", "duplicate",
                            "externalId", c.externalId())));
                    return;
                }
            }
            Command command;
            try {
                command = toEngine(c, lastCommandId + 1, timestamp);
            } catch (RuntimeException malformed) {
                // Routers validate before appending; a malformed entry is answered, never applied.
                reply(batch, c, output.invalid(c.requestId(), "Malformed command: " + malformed.getMessage()));
                return;
            }
            lastCommandId++;
            engine.apply(command);
            List<EngineEvent> events = listener.drainEvents();
            List<OrderSnapshot> touched = listener.drainTouched();
            fold(events, touched, timestamp, batch);
            boolean rejected = events.stream().anyMatch(EngineEvent.Rejected.class::isInstance);
            // What must be committed with the command is recorded before its answer is rendered.
            if (!rejected && transfer) {
                batch.ledger.add(new Batch.LedgerRow(c.accountId(), c.asset(),
                        StreamCommand.DEPOSIT.equals(c.type()) ? "Deposit" : "Withdrawal", c.amount(), c.externalId(),
                        timestamp));
                ledgerInBatch.put(ledgerKey, true);
            }
            if (!rejected && StreamCommand.PLACE.equals(c.type()) && c.clientId() != StreamCommand.NO_CLIENT_ID) {
                events.stream().filter(EngineEvent.OrderAccepted.class::isInstance).findFirst()
                        .ifPresent(accepted -> remember(((EngineEvent.OrderAccepted) accepted).order(), timestamp));
            }
            try {
                answer(c, events, touched, batch);
            } catch (RuntimeException e) {
                // The command's effects are folded into the batch and will be committed; only its answer
                // failed. Re-throwing would make it a poison command that every new leader crashes on.
                log.error("Could not render the answer to command {}", lastCommandId, e);
                reply(batch, c, new EngineReply(c.requestId(), 500,
                        "{\"code\":\"SERVER_ERROR\",\"message\":\"Applied, but the answer could not be rendered\"}"));
            }
        }

        private void answer(StreamCommand c, List<EngineEvent> events, List<OrderSnapshot> touched, Batch batch) {
            EngineEvent.Rejected rejected = null;
            List<OrderSnapshot> finalOrders = new ArrayList<>();
            Map<Long, OrderSnapshot> latest = new LinkedHashMap<>();
            for (EngineEvent event : events) {
                switch (event) {
                    case EngineEvent.Rejected r -> rejected = r;
                    case EngineEvent.OrderAccepted a -> latest.put(a.order().orderId(), a.order());
                    case EngineEvent.OrderFilled f -> latest.put(f.order().orderId(), f.order());
                    case EngineEvent.OrderCancelled x -> {
                        latest.put(x.order().orderId(), x.order());
                        finalOrders.add(x.order());
                    }
                    case EngineEvent.OrderExpired x -> latest.put(x.order().orderId(), x.order());
                    default -> {
                    }
                }
            }
            for (OrderSnapshot o : touched) {
                latest.put(o.orderId(), o);
            }
            if (rejected != null) {
                reply(batch, c, output.error(c.requestId(), rejected.reason()));
                return;
            }
            switch (c.type()) {
                case StreamCommand.PLACE -> {
                    OrderSnapshot placed = events.stream().filter(EngineEvent.OrderAccepted.class::isInstance)
                            .map(e -> ((EngineEvent.OrderAccepted) e).order()).findFirst().orElseThrow();
                    OrderSnapshot now = latest.get(placed.orderId());
                    reply(batch, c, output.ok(c.requestId(), EngineOutput.order(now, markets.get(now.symbol()))));
                }
                case StreamCommand.CANCEL -> reply(batch, c, output.ok(c.requestId(),
                        EngineOutput.order(finalOrders.getFirst(), markets.get(finalOrders.getFirst().symbol()))));
                case StreamCommand.CANCEL_ALL -> {
                    List<OrderResponse> cancelled = finalOrders.stream()
                            .map(o -> EngineOutput.order(o, markets.get(o.symbol()))).toList();
                    reply(batch, c, output.ok(c.requestId(), cancelled));
                }
                case StreamCommand.DEPOSIT, StreamCommand.WITHDRAW -> {
                    EngineEvent.BalanceChanged balance = batch.balances.get(c.accountId() + ":" + c.asset());
                    int decimals = assetDecimals.get(c.asset());
                    reply(batch, c, output.ok(c.requestId(), Map.of("status", "confirmed",
                            "externalId", c.externalId(), "asset", c.asset(),
                            "available", MarketUnits.decimal(balance.available(), decimals),
                            "locked", MarketUnits.decimal(balance.locked(), decimals))));
                }
                default -> reply(batch, c, output.ok(c.requestId(), Map.of("status", "ok")));
            }
        }

        void remember(OrderSnapshot order, long timestamp) {
            if (order.clientId() != StreamCommand.NO_CLIENT_ID) {
                clientOrders.remember(order.accountId(), order.clientId(), order.orderId(),
                        ClientOrderIndex.hash(parameters(order)), timestamp);
            }
        }

        /** Drops client orders older than the idempotency window, and the oldest beyond a hard cap. */
        private void forgetOldClientOrders() {
            clientOrders.forget(lastTimestamp - properties.idempotencyWindow().toNanos() / 1000, MAX_REMEMBERED);
        }

        private void reply(Batch batch, StreamCommand c, EngineReply reply) {
            if (c.replyTo() != null) {
                batch.replies.add(new Batch.Reply(c.replyTo(), reply));
            }
        }

        private void fold(List<EngineEvent> events, List<OrderSnapshot> touched, long timestamp, Batch batch) {
            batch.events.addAll(events);
            for (EngineEvent event : events) {
                nextSequence = Math.max(nextSequence, event.sequence() + 1);
                switch (event) {
                    case EngineEvent.OrderAccepted a -> {
                        batch.order(a.order(), timestamp);
                        nextOrderId = Math.max(nextOrderId, a.order().orderId() + 1);
                    }
                    case EngineEvent.OrderFilled f -> batch.order(f.order(), timestamp);
                    case EngineEvent.OrderCancelled x -> batch.order(x.order(), timestamp);
                    case EngineEvent.OrderExpired x -> batch.order(x.order(), timestamp);
                    case EngineEvent.Trade t -> {
                        batch.trades.add(t);
                        nextTradeId = Math.max(nextTradeId, t.tradeId() + 1);
                        candles.onTrade(t.symbol(), t.price(), t.quantity(), t.timestamp(), markets.get(t.symbol()));
                    }
                    case EngineEvent.BalanceChanged b -> batch.balances.put(b.accountId() + ":" + b.asset(), b);
                    case EngineEvent.AssetCreated a -> {
                        batch.assets.add(a);
                        assetDecimals.put(a.asset(), a.decimals());
                    }
                    case EngineEvent.MarketCreated m -> {
                        batch.markets.add(m.spec());
                        markets.put(m.spec().symbol(), MarketUnits.of(m.spec(),
                                assetDecimals.get(m.spec().baseAsset()), assetDecimals.get(m.spec().quoteAsset()), false));
                        bidBooks.put(m.spec().symbol(), new TreeMap<>());
                        askBooks.put(m.spec().symbol(), new TreeMap<>());
                        depthIds.put(m.spec().symbol(), 0L);
                    }
                    case EngineEvent.MarketStatusChanged s -> batch.statuses.put(s.symbol(), s.status());
                    case EngineEvent.DepthChanged d -> {
                        batch.depthUpdateIds.put(d.symbol(), d.updateId());
                        depthIds.put(d.symbol(), d.updateId());
                        applyLevels(bidBooks.get(d.symbol()), d.bids());
                        applyLevels(askBooks.get(d.symbol()), d.asks());
                    }
                    default -> {
                    }
                }
            }
            for (OrderSnapshot o : touched) {
                batch.order(o, timestamp);
            }
        }

        private void applyLevels(TreeMap<Long, Long> book, List<EngineEvent.Level> levels) {
            for (EngineEvent.Level level : levels) {
                if (level.quantity() == 0) {
                    book.remove(level.price());
                } else {
                    book.put(level.price(), level.quantity());
                }
            }
        }

        void committed(Batch batch) {
            lastStreamId = batch.lastStreamId;
        }

        /**
         * The batch's messages that depend on the engine's running state (candles, the top of each book), rendered
         * here; they follow the batch's event messages, which the publisher renders.
         */
        List<EngineOutput.StreamMessage> engineMessages(Batch batch) {
            List<EngineOutput.StreamMessage> messages = new ArrayList<>(candles.drain(markets, lastTimestamp, output));
            for (String symbol : batch.depthUpdateIds.keySet()) {
                bookTicker(symbol, messages);
            }
            return messages;
        }

        /** Publishes the top of the book when it changed: price or quantity on either side. */
        private void bookTicker(String symbol, List<EngineOutput.StreamMessage> messages) {
            MarketUnits m = markets.get(symbol);
            Map.Entry<Long, Long> bid = bidBooks.get(symbol).lastEntry();
            Map.Entry<Long, Long> ask = askBooks.get(symbol).firstEntry();
            List<String> top = java.util.Arrays.asList(
                    ask == null ? null : m.price(ask.getKey()), ask == null ? null : m.quantity(ask.getValue()),
                    bid == null ? null : m.price(bid.getKey()), bid == null ? null : m.quantity(bid.getValue()));
            if (top.equals(bookTickers.put(symbol, top))) {
                return;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("e", "bookTicker");
            data.put("E", lastTimestamp);
            data.put("s", symbol);
            data.put("a", top.get(0));
            data.put("A", top.get(1));
            data.put("b", top.get(2));
            data.put("B", top.get(3));
            data.put("u", Long.toString(depthIds.get(symbol)));
            data.put("T", lastTimestamp);
            String stream = "bookTicker." + symbol;
            messages.add(new EngineOutput.StreamMessage(stream, output.envelope(stream, data)));
        }
    }

    private static String parameters(StreamCommand c) {
        return String.join("|", c.symbol(), c.side(), c.orderType(), Long.toString(c.price()),
                Long.toString(c.quantity()), Long.toString(c.quoteQuantity()), String.valueOf(c.timeInForce()),
                Boolean.toString(c.postOnly()), String.valueOf(c.selfTradePrevention()));
    }

    private static String parameters(OrderSnapshot o) {
        return String.join("|", o.symbol(), o.side().name(), o.type().name(),
                Long.toString(o.type() == OrderType.Limit ? o.price() : 0), Long.toString(o.quantity()),
                Long.toString(o.quoteQuantity()), o.timeInForce().name(), Boolean.toString(o.postOnly()),
                o.selfTradePrevention().name());
    }

    private static Command toEngine(StreamCommand c, long commandId, long timestamp) {
        return switch (c.type()) {
            case StreamCommand.PLACE -> new Command.PlaceOrder(commandId, timestamp, c.accountId(), c.symbol(),
                    Side.valueOf(c.side()), OrderType.valueOf(c.orderType()), c.price(), c.quantity(),
                    c.quoteQuantity(), TimeInForce.valueOf(c.timeInForce()), c.postOnly(),
                    SelfTradePrevention.valueOf(c.selfTradePrevention()), c.clientId());
            case StreamCommand.CANCEL -> new Command.CancelOrder(commandId, timestamp, c.accountId(), c.symbol(),
                    c.orderId(), c.clientId());
            case StreamCommand.CANCEL_ALL -> new Command.CancelAll(commandId, timestamp, c.accountId(), c.symbol());
            case StreamCommand.DEPOSIT -> new Command.Deposit(commandId, timestamp, c.accountId(), c.asset(), c.amount());
            case StreamCommand.WITHDRAW -> new Command.Withdraw(commandId, timestamp, c.accountId(), c.asset(),
                    c.amount());
            case StreamCommand.CREATE_ASSET -> new Command.CreateAsset(commandId, timestamp, c.asset(), c.decimals());
            case StreamCommand.CREATE_MARKET -> new Command.CreateMarket(commandId, timestamp, c.market());
            case StreamCommand.SET_MARKET_STATUS -> new Command.SetMarketStatus(commandId, timestamp, c.symbol(),
                    MarketStatus.valueOf(c.status()));
            default -> throw new IllegalArgumentException("Unknown command type " + c.type());
        };
    }
}
