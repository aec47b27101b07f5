package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class OutboxTests {

    private final FakeRemote remote = new FakeRemote();
    private final List<CloseStatus> terminated = new ArrayList<>();
    private final Counter sent = new SimpleMeterRegistry().counter("sent");

    @Test
    void sendsInOrderOneAtATimeWithoutBlockingTheCaller() {
        Outbox outbox = new Outbox(remote, 10, 1000, sent, terminated::add);
        assertThat(outbox.offer(new TextMessage("a"))).isTrue();
        assertThat(outbox.offer(new TextMessage("b"))).isTrue();
        assertThat(outbox.offer(new TextMessage("c"))).isTrue();
        assertThat(remote.sent).containsExactly("a");
        assertThat(outbox.queued()).isEqualTo(2);
        remote.complete();
        remote.complete();
        assertThat(remote.sent).containsExactly("a", "b", "c");
        remote.complete();
        assertThat(outbox.queued()).isZero();
        assertThat(sent.count()).isEqualTo(3);
        assertThat(terminated).isEmpty();
    }

    @Test
    void overflowTerminatesAsSlowConsumerAndDropsTheQueue() {
        Outbox byCount = new Outbox(remote, 2, 1000, sent, terminated::add);
        byCount.offer(new TextMessage("first"));
        byCount.offer(new TextMessage("q1"));
        byCount.offer(new TextMessage("q2"));
        assertThat(byCount.offer(new TextMessage("overflow"))).isFalse();
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(byCount.queued()).isZero();
        assertThat(byCount.offer(new TextMessage("later"))).isFalse();

        FakeRemote other = new FakeRemote();
        Outbox bySize = new Outbox(other, 100, 10, sent, terminated::add);
        bySize.offer(new TextMessage("in flight"));
        bySize.offer(new TextMessage("12345"));
        assertThat(bySize.offer(new TextMessage("123456"))).isFalse();
        assertThat(terminated).hasSize(2);
    }

    @Test
    void aTimedOutWriteTerminatesAsSlowConsumer() {
        Outbox outbox = new Outbox(remote, 10, 1000, sent, terminated::add);
        outbox.offer(new TextMessage("stuck"));
        remote.fail(new SocketTimeoutException());
        assertThat(terminated).containsExactly(CloseCodes.SLOW_CONSUMER);
        assertThat(outbox.offer(new TextMessage("after"))).isFalse();
    }

    @Test
    void writesCompletingInsideSendTextDoNotRecurse() {
        remote.inline = true;
        Outbox outbox = new Outbox(remote, 200_000, Long.MAX_VALUE, sent, terminated::add);
        remote.inline = false;
        outbox.offer(new TextMessage("hold"));
        for (int i = 0; i < 100_000; i++) {
            outbox.offer(new TextMessage("m" + i));
        }
        remote.inline = true;
        remote.complete();
        assertThat(remote.sent).hasSize(100_001);
        assertThat(outbox.queued()).isZero();
    }

    /** Records sends; completes them when told, or inside sendText when {@code inline}. */
    private static final class FakeRemote implements RemoteEndpoint.Async {
        final List<String> sent = new ArrayList<>();
        final List<SendHandler> pending = new ArrayList<>();
        boolean inline;

        void complete() {
            pending.removeFirst().onResult(new SendResult());
        }

        void fail(Throwable cause) {
            pending.removeFirst().onResult(new SendResult(cause));
        }

        @Override
        public void sendText(String text, SendHandler handler) {
            sent.add(text);
            if (inline) {
                handler.onResult(new SendResult());
            } else {
                pending.add(handler);
            }
        }

        @Override
        public long getSendTimeout() {
            return 0;
        }

        @Override
        public void setSendTimeout(long timeout) {
        }

        @Override
        public Future<Void> sendText(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Void> sendObject(Object obj) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendObject(Object obj, SendHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setBatchingAllowed(boolean allowed) {
        }

        @Override
        public boolean getBatchingAllowed() {
            return false;
        }

        @Override
        public void flushBatch() {
        }

        @Override
        public void sendPing(ByteBuffer applicationData) {
        }

        @Override
        public void sendPong(ByteBuffer applicationData) {
        }
    }
}
