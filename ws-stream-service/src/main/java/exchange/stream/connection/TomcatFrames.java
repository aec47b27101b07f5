package exchange.stream.connection;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
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
 * <p>For plain (not TLS) NIO connections, {@link #tryWriteNow} also writes frames straight to the connection's
 * {@link SocketChannel}, non-blocking, under the same lock: the fan-out thread writes a connection's frames itself
 * and needs a writer thread only for the rest of what the socket did not take. Tomcat's own writes are blocking and
 * complete while they hold that lock, so its buffers hold nothing of this connection's when we write around them;
 * the one exception, a blocking write of Tomcat's that timed out and left the lock with its bytes still pending,
 * closes the session, and nothing is written to a session that is not open.
 *
 * <p>If another Tomcat version lacks these members, {@link #of} returns null and callers use JSR-356 (slower,
 * the same frames on the wire). Thread-safety: as the session; one writer at a time.
 */
final class TomcatFrames {

    private static final Logger log = LoggerFactory.getLogger(TomcatFrames.class);
    private static final byte TEXT_OPCODE = 0x1;
    private static final String SERVER_ENDPOINT = "org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer";

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
    /** (server endpoint) its socket wrapper, or null where the endpoint is not Tomcat's server endpoint. */
    private static final MethodHandle SOCKET_WRAPPER;

    static {
        MethodHandle[] handles = new MethodHandle[6];
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
            handles = new MethodHandle[6];
        }
        if (handles[4] != null) {
            try {
                Field wrapper = Class.forName(SERVER_ENDPOINT).getDeclaredField("socketWrapper");
                handles[5] = MethodHandles.lookup().unreflectGetter(accessible(wrapper))
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.warn("Tomcat's socket wrapper is not reachable ({}); writes go through Tomcat", e.toString());
            }
        }
        SEND_MESSAGE = handles[0];
        WRITE = handles[1];
        ACQUIRE = handles[2];
        LOCK = handles[3];
        ENDPOINT = handles[4];
        SOCKET_WRAPPER = handles[5];
    }

    /** Set once the first connection's socket could not be reached, so that this is logged once. */
    private static volatile boolean directWritesFailed;

    /** What {@link #tryWriteNow} did. */
    enum Attempt {
        /** Nothing written (the lock was taken, or no direct channel); the lock is not held. */
        NOT_STARTED,
        /** All of it written; the lock is released. */
        WRITTEN,
        /**
         * Part of it written, the rest is left in the buffer; the lock stays held so that no other frame can come
         * between the two parts, and {@link #finishHeld} must be called to write the rest and release it.
         */
        PARTIAL
    }

    private final Session session;
    private final Object endpoint;
    private final Semaphore lock;
    private final boolean rawFrames;
    /** The connection's socket, where it is plain NIO with no extension; null otherwise. */
    private final SocketChannel channel;

    private TomcatFrames(Session session, Object endpoint, Semaphore lock, boolean rawFrames, SocketChannel channel) {
        this.session = session;
        this.endpoint = endpoint;
        this.lock = lock;
        this.rawFrames = rawFrames;
        this.channel = channel;
    }

    /** True if this Tomcat's internals were found (otherwise every connection goes through JSR-356). */
    static boolean available() {
        return ENDPOINT != null;
    }

    /** True if this Tomcat's socket wrapper was found (otherwise no connection is written from the fan-out thread). */
    static boolean directWritesAvailable() {
        return SOCKET_WRAPPER != null;
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
            boolean rawFrames = session.getNegotiatedExtensions().isEmpty();
            return new TomcatFrames(session, endpoint, lock, rawFrames, rawFrames ? plainChannel(endpoint) : null);
        } catch (Throwable e) {
            log.warn("Tomcat's WebSocket internals are not reachable ({}); frames are sent through JSR-356",
                    e.toString());
            return null;
        }
    }

    /**
     * The socket under {@code endpoint} if it is a plain NIO connection (TLS frames must go through Tomcat's
     * encryption), else null. The SocketChannel itself is kept, not Tomcat's NioChannel: Tomcat recycles those for
     * later connections, so a stale reference could write into another client's socket; a closed SocketChannel
     * only throws.
     */
    private static SocketChannel plainChannel(Object endpoint) {
        if (SOCKET_WRAPPER == null || !SERVER_ENDPOINT.equals(endpoint.getClass().getName())) {
            return null;
        }
        try {
            Object wrapper = (Object) SOCKET_WRAPPER.invokeExact(endpoint);
            Object socket = wrapper.getClass().getMethod("getSocket").invoke(wrapper);
            if (socket == null || !"org.apache.tomcat.util.net.NioChannel".equals(socket.getClass().getName())) {
                return null;
            }
            Object channel = socket.getClass().getMethod("getIOChannel").invoke(socket);
            return channel instanceof SocketChannel plain && !plain.isBlocking() ? plain : null;
        } catch (Throwable e) {
            if (!directWritesFailed) {
                directWritesFailed = true;
                log.warn("No direct socket writes ({}); batches are written by writer threads", e.toString());
            }
            return null;
        }
    }

    /** True if {@link #tryWriteNow} may write: a plain NIO socket and no extension. */
    boolean directWrites() {
        return channel != null;
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
        if (!session.isOpen()) {
            lock.release();
            throw new ClosedChannelException();
        }
        finishHeld(frames, timeoutMillis);
    }

    /**
     * Writes {@code frames} (complete, unmasked frames; only when {@link #directWrites()}) to the socket as far as
     * it takes them now, never blocking: the caller may be the fan-out thread. See {@link Attempt} for what the
     * caller must do after each outcome. On an exception nothing is held.
     */
    Attempt tryWriteNow(ByteBuffer frames) throws IOException {
        // An interrupted thread's write would close the channel (it is interruptible): leave it to a writer.
        if (channel == null || Thread.currentThread().isInterrupted() || !lock.tryAcquire()) {
            return Attempt.NOT_STARTED;
        }
        boolean release = true;
        try {
            // Closing (by either side) sends the Close frame under this lock; no data frame may follow it.
            if (!session.isOpen()) {
                throw new ClosedChannelException();
            }
            channel.write(frames);
            if (frames.hasRemaining()) {
                release = false;
                return Attempt.PARTIAL;
            }
            return Attempt.WRITTEN;
        } finally {
            if (release) {
                lock.release();
            }
        }
    }

    /**
     * Gives up the rest of {@code frames} after {@link Attempt#PARTIAL} when no writer can take it: the connection's
     * byte stream ends inside a frame, so its socket is closed, and the lock is released.
     */
    void abortHeld() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing an abandoned connection failed: {}", e.toString());
        } finally {
            lock.release();
        }
    }

    /**
     * Writes the rest of {@code frames} while holding the lock (after {@link Attempt#PARTIAL}, or taken by
     * {@link #writeFrames}) and releases it; blocks like {@link #writeFrames}.
     */
    void finishHeld(ByteBuffer frames, long timeoutMillis) throws IOException {
        long expiry = System.currentTimeMillis() + timeoutMillis;
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
