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
 * JSR-356 ({@code sendText}). Blocks for at most the send timeout per write; meant to run on a virtual thread,
 * never on a fan-out thread.
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

    /** Messages {@code from} (inclusive) to {@code to} as consecutive final, unmasked text frames (RFC 6455, 5.2). */
    static ByteBuffer frame(List<TextMessage> batch, int from, int to) {
        int size = 0;
        for (int i = from; i < to; i++) {
            size += frameLength(batch.get(i));
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
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
