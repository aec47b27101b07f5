package exchange.router.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.serializer.RedisSerializer;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads the command stream for the engine and parses it. While the engine is busy applying and committing a batch,
 * a thread of its own reads and parses what arrives meanwhile, so the engine's next batch is mostly ready when it
 * asks: the read alone was 1.1-1.5 ms of a 16-19 ms batch at 1,024 submitters, and the parsing came on top, on the
 * one thread every command waits for (docs/ARCHITECTURE.md, "Reading ahead while the engine is busy"). When nothing
 * was read ahead, the engine reads and waits in Redis itself, so at low rates a command reaches the engine without
 * a hand-off between threads (the hand-off cost the open loop at 5,000 commands/s about 7-9 ms of p99).
 *
 * <p>One reader per leadership term. It starts after the last committed stream id and is closed when the term
 * ends, so a rebuilt engine reads again from what PostgreSQL says was committed; what a closed reader had read
 * ahead is simply dropped. It holds at most about three batches of parsed commands (it stops reading ahead at two,
 * and a read is about one): when the engine falls behind, the backlog stays in Redis, not in memory. Reads never overlap (one cursor), and the reader thread reads at most
 * every {@value #PACE_MILLIS} ms, so a busy engine's next batch comes from a few large reads rather than one per
 * arriving entry.
 *
 * <p>Threading: {@link #take} and {@link #close} from the engine thread only.
 */
final class CommandReader implements AutoCloseable {

    /** One stream entry: its id and its commands, none if it cannot be read. */
    record Entry(String streamId, List<StreamCommand> commands) {
    }

    private static final Logger log = LoggerFactory.getLogger(CommandReader.class);
    private static final TypeReference<List<StreamCommand>> COMMAND_LIST = new TypeReference<>() { };
    private static final long PACE_MILLIS = 1;

    private final RedisConnectionFactory connections;
    private final ObjectMapper json;
    private final byte[] streamKey;
    private final int batchMax;
    private final Thread thread;

    private final Object lock = new Object();
    /** Parsed entries not yet taken; guarded by {@link #lock}. */
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    /** Commands in {@link #ready}, an entry without any counting as one; guarded by {@link #lock}. */
    private int readyCommands;
    /** The id of the last entry read; guarded by {@link #lock}. */
    private String cursor;
    /**
     * Commands per entry in the last read, to size the next in entries: routers append one command per entry when
     * quiet and groups of up to 100 under load, so a term's average would be wrong after a change of pace; guarded
     * by {@link #lock}.
     */
    private double commandsPerEntry = 1;
    /** The engine is applying and committing what it took: the reader thread may read; guarded by {@link #lock}. */
    private boolean busy;
    /** A read is under way, by the reader thread or by the engine's; guarded by {@link #lock}. */
    private boolean readerReading;
    private boolean engineReading;
    /** Set when the reader thread died of something it cannot recover from; guarded by {@link #lock}. */
    private Throwable failure;
    private volatile boolean closed;

    /** Reader thread only. */
    private RedisConnection readerConnection;
    /** Engine thread only. */
    private RedisConnection engineConnection;

    CommandReader(RedisConnectionFactory connections, ObjectMapper json, String streamKey, int batchMax,
            String after) {
        this.connections = connections;
        this.json = json;
        this.streamKey = streamKey.getBytes(StandardCharsets.UTF_8);
        this.batchMax = batchMax;
        this.cursor = after;
        this.thread = Thread.ofPlatform().name("engine-reader").daemon(true).start(this::run);
    }

    /**
     * The next entries in stream order, up to {@code maxCommands} commands (at least one entry, however many
     * commands it holds): what the reader thread read ahead, or when there is nothing, what is in the stream, read
     * here, waiting up to {@code wait} in Redis for the first. Empty when nothing came; when the calling thread is
     * interrupted, what was ready or nothing (its interrupt flag stays set). The reader thread reads ahead from the
     * moment this returns entries until the next call.
     *
     * @throws IllegalStateException if the reader thread failed: the term must end and the engine be rebuilt
     */
    List<Entry> take(int maxCommands, Duration wait) {
        String from;
        long count;
        synchronized (lock) {
            busy = false;
            try {
                // The reader thread's reads do not block in Redis: this waits for one round trip and a parse.
                while (readerReading) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
            if (failure != null) {
                throw new IllegalStateException("The command stream reader stopped", failure);
            }
            // Nothing read ahead: read here, and wait here, so the command needs no hand-off between threads.
            // Something read ahead: take it as it is; what arrived since its read waits for the next batch, as it
            // would have waited for the next read. (Reading it here too cost a round trip on every batch and gave
            // no more commands a second.)
            count = ready.isEmpty() ? entriesFor(maxCommands) : 0;
            from = cursor;
            engineReading = count > 0;
        }
        if (count > 0) {
            List<Entry> fresh = List.of();
            try {
                RedisConnection connection = engineConnection;
                if (connection == null || connection.isClosed()) {
                    connection = connections.getConnection();
                    engineConnection = connection;
                }
                fresh = read(connection, from, count, wait);
            } catch (RuntimeException e) {
                closeQuietly(engineConnection);
                engineConnection = null;
                if (!closed && !Thread.currentThread().isInterrupted()) {
                    log.warn("Cannot read the command stream: {}", e.getMessage());
                    pause();
                }
            } finally {
                synchronized (lock) {
                    engineReading = false;
                    append(fresh);
                }
            }
        }
        synchronized (lock) {
            List<Entry> taken = new ArrayList<>();
            int commands = 0;
            while (!ready.isEmpty() && (taken.isEmpty() || commands < maxCommands)) {
                Entry entry = ready.poll();
                taken.add(entry);
                commands += weight(entry);
            }
            readyCommands -= commands;
            busy = !taken.isEmpty();
            lock.notifyAll();
            return taken;
        }
    }

    /** Commands read and parsed, not yet taken. */
    int readyCommands() {
        synchronized (lock) {
            return readyCommands;
        }
    }

    /**
     * Stops the reader thread and drops what it read ahead; waits up to a second for the thread to end (not at all
     * when the calling thread is interrupted: the thread then ends by itself within about 50 ms).
     */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(engineConnection);
            engineConnection = null;
        }
    }

    private void run() {
        try {
            while (true) {
                String from;
                long count;
                synchronized (lock) {
                    // Only while the engine is busy, and at most about two batches ahead: the rest waits in Redis.
                    while (!closed && (!busy || engineReading || readyCommands >= 2 * batchMax)) {
                        lock.wait(50);
                    }
                    if (closed) {
                        return;
                    }
                    readerReading = true;
                    from = cursor;
                    count = entriesFor(batchMax);
                }
                List<Entry> read = List.of();
                boolean failed = false;
                try {
                    if (readerConnection == null || readerConnection.isClosed()) {
                        readerConnection = connections.getConnection();
                    }
                    read = read(readerConnection, from, count, null);
                } catch (RuntimeException e) {
                    // The engine's own reads report it; this thread tries again after a pause.
                    closeQuietly(readerConnection);
                    readerConnection = null;
                    failed = true;
                } finally {
                    synchronized (lock) {
                        readerReading = false;
                        append(read);
                        lock.notifyAll();
                    }
                }
                if (failed) {
                    Thread.sleep(200);
                }
                synchronized (lock) {
                    // Entries arriving meanwhile are cheaper to read together; the engine reads the last ones.
                    long until = System.nanoTime() + PACE_MILLIS * 1_000_000;
                    while (!closed && busy && System.nanoTime() < until) {
                        lock.wait(PACE_MILLIS);
                    }
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            synchronized (lock) {
                failure = e;
                readerReading = false;
                lock.notifyAll();
            }
            if (!closed) {
                log.error("The command stream reader stopped", e);
            }
        } finally {
            closeQuietly(readerConnection);
            readerConnection = null;
        }
    }

    /** Guarded by {@link #lock}. */
    private void append(List<Entry> entries) {
        int commands = 0;
        for (Entry entry : entries) {
            ready.add(entry);
            commands += weight(entry);
        }
        readyCommands += commands;
        if (!entries.isEmpty()) {
            cursor = entries.getLast().streamId();
            commandsPerEntry = commands / (double) entries.size();
        }
    }

    /**
     * Entries hold one command or a router's group of up to ~100: a read asks for about {@code commands} commands'
     * worth of entries, so a backlog of large entries is not pulled into memory all at once. Guarded by
     * {@link #lock}.
     */
    private long entriesFor(long commands) {
        return Math.clamp((long) (commands / commandsPerEntry), 1, batchMax);
    }

    /** What an entry counts for in the bounds: its commands, at least one (so unreadable entries are bounded too). */
    private static int weight(Entry entry) {
        return Math.max(1, entry.commands().size());
    }

    /** The entries after {@code after}, parsed; waits up to {@code block} for one when given, else not at all. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Entry> read(RedisConnection connection, String after, long count, Duration block) {
        StreamReadOptions options = StreamReadOptions.empty().count(count);
        List<ByteRecord> records = connection.streamCommands().xRead(block == null ? options : options.block(block),
                StreamOffset.create(streamKey, ReadOffset.from(after)));
        if (records == null || records.isEmpty()) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(records.size());
        for (ByteRecord record : records) {
            MapRecord<String, Object, Object> map = (MapRecord) record.deserialize(RedisSerializer.string());
            entries.add(new Entry(map.getId().getValue(), commands(map)));
        }
        return entries;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The commands of one stream entry, in order: one ({@code c}) or a group a router appended together
     * ({@code b}); none if the entry is unreadable, or holds any command without a type.
     */
    private List<StreamCommand> commands(MapRecord<String, Object, Object> record) {
        Object one = record.getValue().get(StreamCommand.ONE_FIELD);
        Object many = record.getValue().get(StreamCommand.MANY_FIELD);
        try {
            List<StreamCommand> commands = one != null
                    ? List.of(json.readValue(one.toString(), StreamCommand.class))
                    : json.readValue(Objects.toString(many), COMMAND_LIST);
            if (commands != null && commands.stream().allMatch(c -> c != null && c.type() != null)) {
                return commands;
            }
        } catch (RuntimeException e) {
            // below: command by command
        }
        if (one != null) {
            return List.of();
        }
        // One bad command in a group costs only itself, not the other requests appended with it.
        List<StreamCommand> readable = new ArrayList<>();
        try {
            for (JsonNode node : json.readTree(Objects.toString(many))) {
                try {
                    StreamCommand command = json.treeToValue(node, StreamCommand.class);
                    if (command != null && command.type() != null) {
                        readable.add(command);
                        continue;
                    }
                } catch (RuntimeException e) {
                    // skipped below
                }
                log.warn("Skipping an unreadable command in entry {}", record.getId().getValue());
            }
        } catch (RuntimeException e) {
            return List.of();
        }
        return readable;
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
}
