package exchange.stream.connection;

import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.Counter;

/**
 * One connection's bounded outbound queue with a single sender, in the spirit of Spring's
 * {@code ConcurrentWebSocketSessionDecorator} (one sender at a time, buffer limit, send time limit, terminate on
 * overflow) but built on the container's non-blocking send: {@link #offer} never blocks, whatever the client does,
 * so the fan-out thread that calls it for each of its subscribers is never held up by a slow client. (The
 * decorator flushes on the caller's thread, so the first message to a client whose TCP window just closed would
 * block that thread, and every client behind it, for the whole send timeout.)
 *
 * <p>Bounds and outcomes: at most {@code maxMessages} messages and {@code maxChars} characters wait here; the
 * offer that would exceed either closes the connection with {@link CloseCodes#SLOW_CONSUMER} and drops the queue.
 * A write that cannot complete within the send time limit (Tomcat's async send timeout) has the same outcome.
 * Thread-safe.
 */
public final class Outbox {

    private static final int PENDING = 0;
    private static final int COMPLETED_INLINE = 1;
    private static final int RETURNED = 2;

    private final RemoteEndpoint.Async remote;
    private final int maxMessages;
    private final long maxChars;
    private final Counter messagesOut;
    private final Consumer<CloseStatus> terminate;

    private final ArrayDeque<TextMessage> queue = new ArrayDeque<>(4);
    private long queuedChars;
    private boolean sending;
    private boolean closed;
    private volatile long sendStartedNanos;

    Outbox(RemoteEndpoint.Async remote, int maxMessages, long maxChars, Counter messagesOut,
            Consumer<CloseStatus> terminate) {
        this.remote = remote;
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
        int length = message.getPayloadLength();
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() < maxMessages && queuedChars + length <= maxChars) {
                queue.addLast(message);
                queuedChars += length;
                if (sending) {
                    return true;
                }
                sending = true;
            } else {
                closeQueue();
                sending = false;
                message = null;
            }
        }
        if (message == null) {
            terminate.accept(CloseCodes.SLOW_CONSUMER);
            return false;
        }
        pump();
        return true;
    }

    /** Messages waiting to be written (for tests and diagnostics). */
    public synchronized int queued() {
        return queue.size();
    }

    /** When the write in progress started ({@link System#nanoTime()}), or 0 if none is in progress. */
    long sendStartedNanos() {
        return sendStartedNanos;
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
     * Writes queued messages one at a time until the queue is empty or a write is still in flight; then the
     * write's completion continues. Runs on the thread that set {@code sending}, or on the completion thread; a
     * completion that happens inside {@code sendText} (the write went straight into the socket) is continued by
     * this loop rather than recursively.
     */
    private void pump() {
        while (true) {
            TextMessage next;
            synchronized (this) {
                next = closed ? null : queue.pollFirst();
                if (next == null) {
                    sending = false;
                    return;
                }
                queuedChars -= next.getPayloadLength();
            }
            AtomicInteger state = new AtomicInteger(PENDING);
            sendStartedNanos = System.nanoTime();
            try {
                remote.sendText(next.getPayload(), result -> completed(result, state));
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (state.compareAndSet(PENDING, RETURNED)) {
                return;
            }
        }
    }

    private void completed(SendResult result, AtomicInteger state) {
        sendStartedNanos = 0;
        if (!result.isOK()) {
            failed(result.getException());
            return;
        }
        messagesOut.increment();
        if (!state.compareAndSet(PENDING, COMPLETED_INLINE)) {
            pump();
        }
    }

    private void failed(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closeQueue();
            sending = false;
        }
        terminate.accept(cause instanceof SocketTimeoutException ? CloseCodes.SLOW_CONSUMER : CloseStatus.SERVER_ERROR);
    }
}
