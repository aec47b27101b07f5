package exchange.stream.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One client's WebSocket: its outbound {@link Outbox}, its subscribed stream names, the account it authenticated
 * as (private streams) and its liveness. Closing never blocks the caller: the close handshake runs on a virtual
 * thread because a client that does not read can hold a Close frame for the whole send timeout.
 */
public final class ClientConnection {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.allocate(0);

    private final WebSocketSession session;
    private final jakarta.websocket.Session nativeSession;
    private final TomcatBatchWriter writer;
    private final Outbox outbox;
    private final FrameRateLimiter rateLimiter;
    private final ConnectionRegistry registry;
    private final long sendTimeoutMillis;
    private final Set<String> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Long accountId;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();

    ClientConnection(WebSocketSession session, jakarta.websocket.Session nativeSession, int maxMessages,
            long maxChars, int framesPerSecond, long sendTimeoutMillis, ConnectionRegistry registry) {
        this.session = session;
        this.nativeSession = nativeSession;
        this.registry = registry;
        this.sendTimeoutMillis = sendTimeoutMillis;
        this.rateLimiter = new FrameRateLimiter(framesPerSecond);
        this.writer = new TomcatBatchWriter(nativeSession, sendTimeoutMillis);
        this.outbox = new Outbox(writer, Thread::startVirtualThread, maxMessages, maxChars, registry.messagesOut(),
                status -> terminate(status));
    }

    public String id() {
        return session.getId();
    }

    public Outbox outbox() {
        return outbox;
    }

    /** True if the fan-out thread can write this connection's socket itself (for tests and diagnostics). */
    boolean directWrites() {
        return writer.directWrites();
    }

    /** The stream names this connection is subscribed to (the handler keeps it; thread-safe set). */
    public Set<String> streams() {
        return streams;
    }

    /** The account whose private streams this connection may read, or null before its first signed subscribe. */
    public Long accountId() {
        return accountId;
    }

    public void bindAccount(long account) {
        this.accountId = account;
    }

    public boolean isClosing() {
        return closing.get();
    }

    /** Records inbound traffic (any frame or pong) for the keep-alive check. */
    public void seen() {
        lastSeenNanos = System.nanoTime();
    }

    /** False when this frame exceeds the connection's inbound frame rate. */
    public boolean tryAcquireFrame() {
        return rateLimiter.tryAcquire(System.nanoTime());
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    long lastPingNanos() {
        return lastPingNanos;
    }

    /**
     * Sends a ping on a virtual thread (a ping is a blocking control-frame write in Tomcat), between two batches
     * of the outbox so it is never caught in a batch's buffer.
     */
    void ping() {
        lastPingNanos = System.nanoTime();
        Thread.ofVirtual().name("ws-ping-" + id()).start(() -> outbox.betweenBatches(sendTimeoutMillis, () -> {
            try {
                nativeSession.getBasicRemote().sendPing(PING_PAYLOAD.duplicate());
            } catch (IOException | RuntimeException e) {
                // Only a ping that could not be written in time means a slow client; a connection that closed
                // meanwhile is not one.
                terminate(Outbox.isTimeout(e) ? CloseCodes.SLOW_CONSUMER : CloseStatus.SERVER_ERROR);
            }
        }));
    }

    /**
     * Closes with {@code status} once (later calls are ignored), without blocking the caller. A slow consumer is
     * counted even when Tomcat has already closed the session because its write timed out.
     */
    public void terminate(CloseStatus status) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        outbox.close();
        if (session.isOpen() || CloseCodes.SLOW_CONSUMER.equals(status)) {
            registry.dropped(this, status);
        }
        Thread.ofVirtual().name("ws-close-" + id()).start(() -> outbox.betweenBatches(sendTimeoutMillis, () -> {
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                log.debug("Close of {} failed: {}", id(), e.toString());
            }
        }));
    }
}
