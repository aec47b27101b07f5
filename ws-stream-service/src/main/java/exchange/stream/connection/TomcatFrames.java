package exchange.stream.connection;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's WebSocket endpoint below JSR-356, for the fan-out's hot path. JSR-356 takes text only as a
 * {@code String}, which Tomcat encodes to UTF-8 again for each connection, then frames and writes message by
 * message: at 2,000 subscribers of a stream that was most of ws-stream's CPU (async-profiler under
 * {@code FanoutBenchmark}), for bytes that arrive from Redis as UTF-8 already and frames that are the same for every
 * connection (server frames are not masked). Two entry points of Tomcat's endpoint do exactly the part we need,
 * but are not public API (one package-private, one protected), so they are looked up once, reflectively:
 * <ul>
 * <li>{@link #sendText}: its frame writer with an opcode and bytes ({@code sendMessageBlock}); honours batching,
 * the blocking send timeout and negotiated extensions (permessage-deflate) as {@code sendText} does;</li>
 * <li>{@link #writeFrames}: its raw socket write ({@code doWrite}) of bytes that already are whole frames, under
 * Tomcat's own lock for message parts, so its own frames (pongs, the close handshake) never interleave. Only
 * for sessions without extensions, whose frames need no transformation.</li>
 * </ul>
 * Both skip Tomcat's check that no partial message is in progress; that holds because a connection's data
 * frames are only ever written whole, one batch at a time ({@link Outbox}).
 *
 * <p>If another Tomcat version lacks these members, {@link #of} returns null and callers use JSR-356 (slower,
 * the same frames on the wire). Thread-safety: as the session; one writer at a time.
 */
final class TomcatFrames {

    private static final Logger log = LoggerFactory.getLogger(TomcatFrames.class);
    private static final byte TEXT_OPCODE = 0x1;

    /** (endpoint, byte opcode, ByteBuffer payload, boolean last) void. */
    private static final MethodHandle SEND_MESSAGE;
    /** (endpoint, SendHandler, long expiryMillis, ByteBuffer[] data) void. */
    private static final MethodHandle WRITE;
    /** (endpoint, byte opcode, long expiryMillis) boolean. */
    private static final MethodHandle ACQUIRE;
    /** (endpoint) Semaphore. */
    private static final MethodHandle LOCK;
    /** (session) endpoint. */
    private static final MethodHandle ENDPOINT;

    static {
        MethodHandle[] handles = new MethodHandle[5];
        try {
            Class<?> base = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase");
            Class<?> session = Class.forName("org.apache.tomcat.websocket.WsSession");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            handles[0] = lookup.unreflect(accessible(base.getDeclaredMethod("sendMessageBlock", byte.class,
                    ByteBuffer.class, boolean.class))).asType(MethodType.methodType(void.class, Object.class,
                            byte.class, ByteBuffer.class, boolean.class));
            handles[1] = lookup.unreflect(accessible(base.getDeclaredMethod("doWrite", SendHandler.class, long.class,
                    ByteBuffer[].class))).asType(MethodType.methodType(void.class, Object.class, SendHandler.class,
                            long.class, ByteBuffer[].class));
            handles[2] = lookup.unreflect(accessible(base.getDeclaredMethod("acquireMessagePartInProgressSemaphore",
                    byte.class, long.class))).asType(MethodType.methodType(boolean.class, Object.class, byte.class,
                            long.class));
            handles[3] = lookup.unreflectGetter(accessible(base.getDeclaredField("messagePartInProgress")))
                    .asType(MethodType.methodType(Semaphore.class, Object.class));
            handles[4] = lookup.unreflectGetter(accessible(session.getDeclaredField("wsRemoteEndpoint")))
                    .asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Tomcat's WebSocket internals are not reachable ({}); frames are sent through JSR-356",
                    e.toString());
            handles = new MethodHandle[5];
        }
        SEND_MESSAGE = handles[0];
        WRITE = handles[1];
        ACQUIRE = handles[2];
        LOCK = handles[3];
        ENDPOINT = handles[4];
    }

    private final Object endpoint;
    private final Semaphore lock;
    private final boolean rawFrames;

    private TomcatFrames(Object endpoint, Semaphore lock, boolean rawFrames) {
        this.endpoint = endpoint;
        this.lock = lock;
        this.rawFrames = rawFrames;
    }

    /** True if this Tomcat's internals were found (otherwise every connection goes through JSR-356). */
    static boolean available() {
        return ENDPOINT != null;
    }

    /** The endpoint of {@code session}, or null if it is not a Tomcat session this class can reach. */
    static TomcatFrames of(Session session) {
        if (ENDPOINT == null || !"org.apache.tomcat.websocket.WsSession".equals(session.getClass().getName())) {
            return null;
        }
        try {
            Object endpoint = (Object) ENDPOINT.invokeExact((Object) session);
            if (endpoint == null) {
                return null;
            }
            Semaphore lock = (Semaphore) LOCK.invokeExact(endpoint);
            return new TomcatFrames(endpoint, lock, session.getNegotiatedExtensions().isEmpty());
        } catch (Throwable e) {
            log.warn("Tomcat's WebSocket internals are not reachable ({}); frames are sent through JSR-356",
                    e.toString());
            return null;
        }
    }

    /** True if {@link #writeFrames} may be used: no extension transforms this session's frames. */
    boolean rawFrames() {
        return rawFrames;
    }

    /**
     * Writes one whole text frame with {@code utf8} (valid UTF-8, not modified) as its payload; blocks like
     * {@code sendText}, up to the session's blocking send timeout.
     */
    void sendText(byte[] utf8) throws IOException {
        try {
            SEND_MESSAGE.invokeExact(endpoint, TEXT_OPCODE, ByteBuffer.wrap(utf8), true);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /**
     * Writes {@code frames} (complete, unmasked frames; only when {@link #rawFrames()}) to the socket and returns
     * when all of it is written, or throws {@link SocketTimeoutException} after {@code timeoutMillis}.
     */
    void writeFrames(ByteBuffer frames, long timeoutMillis) throws IOException {
        long expiry = System.currentTimeMillis() + timeoutMillis;
        try {
            // The untimed attempt first: the timed one checks the interrupt status, measurably dearer on a
            // virtual thread, for a lock that is free but for the rare pong or close.
            if (!lock.tryAcquire() && !(boolean) ACQUIRE.invokeExact(endpoint, TEXT_OPCODE, expiry)) {
                throw new SocketTimeoutException("Send lock not acquired within " + timeoutMillis + " ms");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (Throwable e) {
            throw new IOException(e);
        }
        boolean release = true;
        try {
            CompletableFuture<SendResult> done = new CompletableFuture<>();
            SendHandler handler = done::complete;
            WRITE.invokeExact(endpoint, handler, expiry, new ByteBuffer[] {frames});
            SendResult result = done.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
            if (!result.isOK()) {
                Throwable cause = result.getException();
                throw cause instanceof IOException io ? io : new IOException(cause);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (TimeoutException e) {
            // Tomcat may still be writing these frames: keep its lock, so no pong or Close frame can land inside
            // them. The connection is closed as a slow consumer; its Close frame then waits out Tomcat's timeout.
            release = false;
            throw new SocketTimeoutException("Write not completed within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (Throwable e) {
            throw new IOException(e);
        } finally {
            if (release) {
                lock.release();
            }
        }
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }
}
