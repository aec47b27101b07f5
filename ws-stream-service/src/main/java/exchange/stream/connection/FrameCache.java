package exchange.stream.connection;

import java.nio.ByteBuffer;
import java.util.List;

import org.springframework.web.socket.TextMessage;

/**
 * The frames of the batches a fan-out thread writes, made once per distinct batch instead of once per connection.
 * Subscribers of the same streams that were last written together get the same messages (the same
 * {@link TextMessage} objects) in their next batch, so their batches frame to the same bytes: connections share one
 * read-only buffer, each writing its own {@link ByteBuffer#duplicate() duplicate}. A batch is recognised by the
 * identity of its messages, in order, so a hit costs a few pointer comparisons.
 *
 * <p>Holds the last {@value #ENTRIES} distinct batches (a new one replaces the oldest) until {@link #clear()}, which
 * the owner calls when it has nothing left to write, so that idle it keeps no messages. Not thread-safe: one per
 * fan-out thread.
 */
public final class FrameCache {

    private static final int ENTRIES = 8;

    private final TextMessage[][] keys = new TextMessage[ENTRIES][];
    private final ByteBuffer[] frames = new ByteBuffer[ENTRIES];
    private int next;

    /**
     * The frames of {@code batch} (a read-only duplicate, positioned at its start), or null if they would exceed
     * {@code maxBytes}: such a batch is written in chunks, by a writer thread.
     */
    ByteBuffer frames(List<TextMessage> batch, int maxBytes) {
        for (int i = 0; i < ENTRIES; i++) {
            if (sameMessages(keys[i], batch)) {
                return frames[i].duplicate();
            }
        }
        int size = TomcatBatchWriter.framedLength(batch, 0, batch.size());
        if (size > maxBytes) {
            return null;
        }
        ByteBuffer framed = TomcatBatchWriter.frame(batch, 0, batch.size()).asReadOnlyBuffer();
        keys[next] = batch.toArray(new TextMessage[0]);
        frames[next] = framed;
        next = (next + 1) % ENTRIES;
        return framed.duplicate();
    }

    /** Forgets every batch (and so lets its messages and frames be collected). */
    public void clear() {
        for (int i = 0; i < ENTRIES; i++) {
            keys[i] = null;
            frames[i] = null;
        }
        next = 0;
    }

    private static boolean sameMessages(TextMessage[] key, List<TextMessage> batch) {
        if (key == null || key.length != batch.size()) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != batch.get(i)) {
                return false;
            }
        }
        return true;
    }
}
