package exchange.stream.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * An {@link Outbox} for tests outside this package whose socket takes at once everything written to it, recording
 * each write: its messages and when it happened; or, once {@link #stickUntil} was called, one that takes nothing.
 */
public final class RecordedOutbox {

    /** One socket write: {@link System#nanoTime()} when it happened and the payloads it carried, in order. */
    public record Write(long nanoTime, List<String> payloads) {
    }

    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();
    private final Outbox outbox;
    private volatile CountDownLatch stuck;

    /** An outbox that holds at most {@code maxMessages} queued messages (overflow closes it as a slow consumer). */
    public RecordedOutbox(int maxMessages) {
        this(maxMessages, false);
    }

    /**
     * Like {@link #RecordedOutbox(int)}, but if {@code closeFails} the close it asks for is recorded and then fails
     * with an {@link IllegalStateException}, as a connection's close could, in the thread that caused it.
     */
    public RecordedOutbox(int maxMessages, boolean closeFails) {
        Outbox.Writer writer = new Outbox.Writer() {
            @Override
            public void write(List<TextMessage> batch, Runnable progress) {
                CountDownLatch release = stuck;
                if (release != null) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                record(batch);
            }

            @Override
            public Outbox.Pending tryWrite(List<TextMessage> batch, FrameCache cache) {
                if (stuck != null) {
                    return null;
                }
                record(batch);
                return Outbox.Pending.DONE;
            }
        };
        this.outbox = new Outbox(writer, task -> Thread.ofVirtual().start(task), maxMessages, Long.MAX_VALUE,
                new SimpleMeterRegistry().counter("sent"), status -> {
                    closes.add(status);
                    if (closeFails) {
                        throw new IllegalStateException("closing failed");
                    }
                });
    }

    /**
     * From now on the socket takes nothing at once: a write blocks (on the writer thread) until {@code release} is
     * counted down, as a client that does not read would make it.
     */
    public void stickUntil(CountDownLatch release) {
        stuck = release;
    }

    /** The outbox to subscribe; its writes are recorded, never blocked, never partial. */
    public Outbox outbox() {
        return outbox;
    }

    /** The writes so far, in order (a copy). */
    public List<Write> writes() {
        return List.copyOf(writes);
    }

    /** Every payload written so far, in order. */
    public List<String> payloads() {
        List<String> payloads = new ArrayList<>();
        for (Write write : writes) {
            payloads.addAll(write.payloads());
        }
        return payloads;
    }

    /** The close statuses the outbox asked for (a slow consumer's, a failed write's). */
    public List<CloseStatus> closes() {
        return closes;
    }

    private void record(List<TextMessage> batch) {
        long now = System.nanoTime();
        List<String> payloads = new ArrayList<>(batch.size());
        for (TextMessage message : batch) {
            payloads.add(message.getPayload());
        }
        writes.add(new Write(now, payloads));
    }
}
