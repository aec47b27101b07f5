package exchange.stream.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.springframework.web.socket.TextMessage;

/**
 * Writes a batch of text messages to a Tomcat WebSocket session with as few socket writes as possible. Where the
 * session has no extensions it frames the batch into one buffer (a 2-10 byte header per message, then the
 * payload's UTF-8 bytes as they came; {@value #CHUNK_BYTES} bytes at most per buffer) and writes it with one socket
 * write ({@link TomcatFrames#writeFrames}). With
 * permessage-deflate it frames message by message through Tomcat, with batching on so that k messages still cost
 * about one socket write, and without re-encoding ({@link TomcatFrames#sendText}); with another container, through
 * JSR-356 ({@code sendText}). {@link #write} blocks for at most the send timeout per write; it runs on a virtual
 * thread, never on a fan-out thread. {@link #tryWrite} never blocks: the fan-out thread calls it.
 */
final class TomcatBatchWriter implements Outbox.Writer {

    private static final byte FIN_TEXT = (byte) 0x81;
    /** Most bytes framed into one buffer (one socket write); a larger message goes alone. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final RemoteEndpoint.Basic remote;
    private final TomcatFrames frames;
    private final long sendTimeoutMillis;

    TomcatBatchWriter(Session session, long sendTimeoutMillis) {
        this.remote = session.getBasicRemote();
        this.frames = TomcatFrames.of(session);
        this.sendTimeoutMillis = sendTimeoutMillis;
    }

    @Override
    public void write(List<TextMessage> batch, Runnable progress) throws IOException {
        if (frames != null && frames.rawFrames()) {
            // In chunks: the framed copy is this connection's own, and a slow client holds it for up to the send
            // timeout, while the messages themselves are shared by every connection they go to.
            int from = 0;
            while (from < batch.size()) {
                int to = from;
                int bytes = 0;
                do {
                    bytes += frameLength(batch.get(to++));
                } while (to < batch.size() && bytes + frameLength(batch.get(to)) <= CHUNK_BYTES);
                frames.writeFrames(frame(batch, from, to), sendTimeoutMillis);
                progress.run();
                from = to;
            }
            return;
        }
        if (batch.size() == 1) {
            send(batch.getFirst());
            return;
        }
        remote.setBatchingAllowed(true);
        for (TextMessage message : batch) {
            send(message);
            progress.run();
        }
        remote.setBatchingAllowed(false);
    }

    /**
     * Writes the batch from the calling thread as far as the socket takes it now, without blocking, in frames from
     * {@code cache}; the rest, if any, is left to the returned {@link Outbox.Pending}. Returns null, having written
     * nothing, where this connection cannot be written directly (TLS, an extension, another container), where
     * Tomcat is writing a control frame, or where the batch is larger than one chunk.
     */
    @Override
    public Outbox.Pending tryWrite(List<TextMessage> batch, FrameCache cache) throws IOException {
        if (frames == null || !frames.directWrites()) {
            return null;
        }
        ByteBuffer framed = cache.frames(batch, CHUNK_BYTES);
        if (framed == null) {
            return null;
        }
        return switch (frames.tryWriteNow(framed)) {
            case NOT_STARTED -> null;
            case WRITTEN -> Outbox.Pending.DONE;
            case PARTIAL -> new Outbox.Pending() {
                @Override
                public void finish() throws IOException {
                    frames.finishHeld(framed, sendTimeoutMillis);
                }

                @Override
                public void abort() {
                    frames.abortHeld();
                }
            };
        };
    }

    /** Messages {@code from} (inclusive) to {@code to} as consecutive final, unmasked text frames (RFC 6455, 5.2). */
    static ByteBuffer frame(List<TextMessage> batch, int from, int to) {
        ByteBuffer buffer = ByteBuffer.allocate(framedLength(batch, from, to));
        for (int i = from; i < to; i++) {
            byte[] payload = batch.get(i).asBytes();
            buffer.put(FIN_TEXT);
            if (payload.length < 126) {
                buffer.put((byte) payload.length);
            } else if (payload.length <= 0xFFFF) {
                buffer.put((byte) 126).putShort((short) payload.length);
            } else {
                buffer.put((byte) 127).putLong(payload.length);
            }
            buffer.put(payload);
        }
        return buffer.flip();
    }

    /** True if {@link #tryWrite} can write this connection from the calling thread (plain NIO, no extension). */
    boolean directWrites() {
        return frames != null && frames.directWrites();
    }

    /** Bytes of messages {@code from} (inclusive) to {@code to} as frames. */
    static int framedLength(List<TextMessage> batch, int from, int to) {
        int size = 0;
        for (int i = from; i < to; i++) {
            size += frameLength(batch.get(i));
        }
        return size;
    }

    private static int frameLength(TextMessage message) {
        int length = message.asBytes().length;
        return headerLength(length) + length;
    }

    private static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    private void send(TextMessage message) throws IOException {
        if (frames != null) {
            frames.sendText(message.asBytes());
        } else {
            remote.sendText(message.getPayload());
        }
    }
}
