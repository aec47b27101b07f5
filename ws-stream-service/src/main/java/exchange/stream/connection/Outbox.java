package exchange.stream.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.Counter;

/**
 * One connection's bounded outbound queue with a single writer that sends whatever has queued up as one batch.
 * {@link #offer} and {@link #offerDeferred(List)} never block, whatever the client does, so the fan-out thread that
 * hands each of its subscribers its messages is never held up by a slow client: the writing happens on a task
 * started on {@code writers} (virtual threads in production) while the queue is non-empty, and ends when it is
 * empty. The fan-out thread may write a batch itself first ({@link #writeNow}), as far as the socket takes it
 * without blocking.
 *
 * <p>Why batches: one Redis message goes to thousands of connections, and per delivery the cost is dominated by
 * the socket write, not by the bytes. A writer that finds k messages queued writes them with one flush (the
 * {@link Writer} frames them into one buffer), so under load the number of writes per message falls by itself
 * and the service degrades by growing batches rather than by growing latency per message.
 *
 * <p>Bounds and outcomes: at most {@code maxMessages} messages and {@code maxChars} characters wait (the batch
 * being written is not counted); the offer that would exceed either closes the connection with
 * {@link CloseCodes#SLOW_CONSUMER} and drops the queue. A write that cannot complete within the send time limit
 * (the writer's timeout) has the same outcome. Thread-safe, except {@link #pacedUntil()} and
 * {@link #paceUntil}, which belong to the one fan-out thread that owns the connection.
 */
public final class Outbox {

    /**
     * Writes a batch of messages, in order, as separate WebSocket text frames, and returns when it is sent;
     * calls {@code progress} after each message handed to the socket (the send-time watchdog's clock).
     */
    @FunctionalInterface
    interface Writer {
        void write(List<TextMessage> batch, Runnable progress) throws IOException;

        /**
         * Writes as much of {@code batch} as the socket takes now, never blocking, framing through {@code cache}.
         * Returns {@link Pending#DONE} if all of it was written, a {@link Pending} that writes the rest (and may
         * block) if part of it was, or null if nothing was and {@link #write} must write it all. This default
         * writes nothing.
         */
        default Pending tryWrite(List<TextMessage> batch, FrameCache cache) throws IOException {
            return null;
        }
    }

    /**
     * The rest of a batch that {@link Writer#tryWrite} began: it owns the connection's socket until {@link #finish}
     * returns or throws, so no other frame can come between the two parts.
     */
    @FunctionalInterface
    interface Pending {
        /** Nothing left. */
        Pending DONE = () -> { };

        /** Writes the rest, blocking up to the send timeout, and gives the socket back. */
        void finish() throws IOException;

        /** Gives up the rest when nobody can write it; the connection cannot be used after this. */
        default void abort() {
        }
    }

    /** A batch list that grew past this many messages is not kept for the next batch. */
    private static final int SPARE_CAPACITY = 1024;
    /** What {@code enqueue} did. */
    private static final int REJECTED = 0;
    private static final int QUEUED = 1;
    private static final int QUEUED_WRITER_DUE = 2;

    private final Writer writer;
    private final Executor writers;
    private final int maxMessages;
    private final long maxChars;
    private final Counter messagesOut;
    private final Consumer<CloseStatus> terminate;

    /**
     * Held by whoever writes a batch (the writing task, or the fan-out thread in {@link #writeNow}, which only
     * tries it) and by control frames (ping, close), so they never interleave with a batch. Fair, so a waiting
     * control frame goes before the writer's next batch. The rest of a batch that {@link #writeNow} began is
     * written without it: that rest already holds the socket's own frame lock, which a control frame needs too.
     */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private ArrayList<TextMessage> queue = new ArrayList<>(4);
    /**
     * The writer's empty list, swapped with {@link #queue} when it takes a batch; touched only by whoever is the
     * writer (the task, or the fan-out thread in {@link #writeNow}) while {@link #writing} is set.
     */
    private ArrayList<TextMessage> spare = new ArrayList<>(4);
    private long queuedChars;
    /** See {@link #pacedUntil()}; the fan-out thread's alone, so neither locked nor volatile. */
    private long pacedUntil = System.nanoTime();
    private boolean writing;
    private boolean closed;
    private volatile long sendStartedNanos;

    Outbox(Writer writer, Executor writers, int maxMessages, long maxChars, Counter messagesOut,
            Consumer<CloseStatus> terminate) {
        this.writer = writer;
        this.writers = writers;
        this.maxMessages = maxMessages;
        this.maxChars = maxChars;
        this.messagesOut = messagesOut;
        this.terminate = terminate;
    }

    /**
     * Queues {@code message} for sending and returns at once. Returns false when the connection is closed or this
     * message overflowed the buffer (the connection is then being closed as a slow consumer).
     */
    public boolean offer(TextMessage message) {
        int outcome = enqueue(message);
        if (outcome == REJECTED) {
            return false;
        }
        return outcome != QUEUED_WRITER_DUE || startWriter();
    }

    /**
     * Queues {@code messages}, in order, like {@link #offer} but all at once (one lock, one bound check: the
     * connection is closed as a slow consumer if they do not all fit) and leaves starting the writer to the caller,
     * so that a fan-out thread handing a connection everything that arrived for it since its last turn does so in
     * one step. Returns true if this call made the writer due: the caller must then call {@link #startWriter()} or
     * {@link #writeNow} once. Returns false otherwise, including when the messages were not accepted. The list is
     * copied before this returns.
     */
    public boolean offerDeferred(List<TextMessage> messages) {
        return enqueue(messages) == QUEUED_WRITER_DUE;
    }

    /**
     * Starts the writer that an {@link #offerDeferred} made due. Returns false if it could not be started (the
     * connection is then closed).
     */
    public boolean startWriter() {
        return startWriter(null, null);
    }

    /**
     * Does what {@link #startWriter()} does, but first writes what is queued from the calling thread as far as the
     * socket takes it without blocking ({@link Writer#tryWrite}, frames shared through {@code cache}): a writer
     * thread is started only for what is left. For the fan-out thread, which finds nearly every socket ready. Like
     * {@link #startWriter()}, only to be called once after an {@link #offerDeferred} returned true.
     */
    public boolean writeNow(FrameCache cache) {
        if (!writeLock.tryLock()) {
            return startWriter();
        }
        ArrayList<TextMessage> batch;
        Pending pending;
        try {
            synchronized (this) {
                if (closed || queue.isEmpty()) {
                    writing = false;
                    return true;
                }
                batch = queue;
                queue = spare;
                queuedChars = 0;
            }
            pending = writer.tryWrite(batch, cache);
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        } catch (Error e) {
            failed(e);
            throw e;
        } finally {
            writeLock.unlock();
        }
        if (pending != Pending.DONE) {
            return startWriter(batch, pending);
        }
        written(batch);
        synchronized (this) {
            if (closed || queue.isEmpty()) {
                writing = false;
                return true;
            }
        }
        return startWriter();
    }

    /** Starts the writing task; it first writes {@code first} (if not null), or finishes {@code pending} of it. */
    private boolean startWriter(ArrayList<TextMessage> first, Pending pending) {
        try {
            writers.execute(() -> writeQueued(first, pending));
            return true;
        } catch (RuntimeException e) {
            if (pending != null) {
                pending.abort();
            }
            failed(e);
            return false;
        }
    }

    private int enqueue(TextMessage message) {
        return enqueue(List.of(message));
    }

    private int enqueue(List<TextMessage> messages) {
        long length = 0;
        for (int i = 0, n = messages.size(); i < n; i++) {
            length += messages.get(i).getPayloadLength();
        }
        synchronized (this) {
            if (closed) {
                return REJECTED;
            }
            if (queue.size() + messages.size() <= maxMessages && queuedChars + length <= maxChars) {
                queue.addAll(messages);
                queuedChars += length;
                if (writing) {
                    return QUEUED;
                }
                writing = true;
                return QUEUED_WRITER_DUE;
            }
            closeQueue();
        }
        terminate.accept(CloseCodes.SLOW_CONSUMER);
        return REJECTED;
    }

    /**
     * The earliest {@link System#nanoTime()} at which the fan-out thread that owns this connection means to call
     * {@link #writeNow} for it again, as it last set it with {@link #paceUntil}; initially the time the outbox was
     * made. Only that thread calls this and {@link #paceUntil} (the outbox must reach it through a safe
     * publication, as every subscription does).
     */
    public long pacedUntil() {
        return pacedUntil;
    }

    /** Sets {@link #pacedUntil()}; no effect on {@link #offer} or the writer task. */
    public void paceUntil(long nanoTime) {
        pacedUntil = nanoTime;
    }

    /** Messages waiting to be written (for tests and diagnostics). */
    public synchronized int queued() {
        return queue.size();
    }

    /**
     * When the message being written was handed over ({@link System#nanoTime()}; the batch's start, then each
     * message's), or 0 if nothing is being written.
     */
    long sendStartedNanos() {
        return sendStartedNanos;
    }

    /**
     * Runs {@code controlFrame} (a ping, a close handshake) between batches, never inside one: it waits up to
     * {@code timeoutMillis} for the batch being written, then runs anyway (a write stuck that long is failing).
     */
    void betweenBatches(long timeoutMillis, Runnable controlFrame) {
        boolean locked = false;
        try {
            locked = writeLock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            controlFrame.run();
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
    }

    /** Stops sending and drops what is queued; later offers return false. */
    void close() {
        synchronized (this) {
            closeQueue();
        }
    }

    private void closeQueue() {
        closed = true;
        queue.clear();
        queuedChars = 0;
    }

    /**
     * The writing task: finishes {@code pending} (the rest of {@code first}) or writes {@code first}, if given; then
     * takes everything queued, writes it as one batch, and repeats until the queue is empty.
     */
    private void writeQueued(ArrayList<TextMessage> first, Pending pending) {
        try {
            ArrayList<TextMessage> batch = first;
            while (true) {
                if (batch == null) {
                    synchronized (this) {
                        if (closed || queue.isEmpty()) {
                            writing = false;
                            return;
                        }
                        batch = queue;
                        queue = spare;
                        queuedChars = 0;
                    }
                }
                if (pending != null) {
                    // Not under the write lock: the pending part holds the socket's own frame lock, which a
                    // control frame waiting on the write lock would then wait for in turn.
                    sendStartedNanos = System.nanoTime();
                    try {
                        pending.finish();
                    } finally {
                        sendStartedNanos = 0;
                    }
                    pending = null;
                } else {
                    writeLock.lock();
                    try {
                        sendStartedNanos = System.nanoTime();
                        writer.write(batch, this::progressed);
                    } finally {
                        sendStartedNanos = 0;
                        writeLock.unlock();
                    }
                }
                written(batch);
                batch = null;
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        } catch (Error e) {
            failed(e);
            throw e;
        }
    }

    /** Counts a written batch and keeps its list as the next spare; only the task that wrote it calls this. */
    private void written(ArrayList<TextMessage> batch) {
        int written = batch.size();
        messagesOut.increment(written);
        batch.clear();
        // Kept so that batches of a steady stream do not regrow a list each time; only a burst's large
        // array is let go, so that an idle connection does not hold it.
        spare = written > SPARE_CAPACITY ? new ArrayList<>(16) : batch;
    }

    private void progressed() {
        sendStartedNanos = System.nanoTime();
    }

    private void failed(Throwable cause) {
        boolean timeout = isTimeout(cause);
        synchronized (this) {
            boolean wasClosed = closed;
            closeQueue();
            writing = false;
            // Tomcat closes the session itself when a blocking write times out, which closes this queue first;
            // the client was still too slow, and is reported so.
            if (wasClosed && !timeout) {
                return;
            }
        }
        terminate.accept(timeout ? CloseCodes.SLOW_CONSUMER : CloseStatus.SERVER_ERROR);
    }

    /** True if {@code cause} (or what it wraps) is a write or lock that timed out: the client did not read. */
    static boolean isTimeout(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // SocketTimeoutException is an InterruptedIOException; Tomcat wraps it in an IOException.
            if (t instanceof InterruptedIOException || t instanceof InterruptedByTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
