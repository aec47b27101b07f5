package exchange.stream.connection;

import java.io.IOException;
import java.util.List;

import jakarta.websocket.RemoteEndpoint;

import org.springframework.web.socket.TextMessage;

/**
 * Writes a batch through the JSR-356 blocking remote with batching on: each {@code sendText} only frames its
 * message into the session's output buffer (a socket write happens when the buffer fills), and turning batching
 * off again flushes the rest, so k queued messages cost about one socket write instead of k writes and k
 * completion hand-offs. A single message is written directly. Blocks for at most the session's blocking send
 * timeout per write; meant to run on a virtual thread, never on a fan-out thread.
 */
final class BatchingBasicRemoteWriter implements Outbox.Writer {

    private final RemoteEndpoint.Basic remote;

    BatchingBasicRemoteWriter(RemoteEndpoint.Basic remote) {
        this.remote = remote;
    }

    @Override
    public void write(List<TextMessage> batch, Runnable progress) throws IOException {
        if (batch.size() == 1) {
            remote.sendText(batch.getFirst().getPayload());
            return;
        }
        remote.setBatchingAllowed(true);
        for (TextMessage message : batch) {
            remote.sendText(message.getPayload());
            progress.run();
        }
        remote.setBatchingAllowed(false);
    }
}
