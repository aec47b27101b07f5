package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;

class FrameCacheTests {

    private final FrameCache cache = new FrameCache();

    @Test
    void theSameMessagesAreFramedOnceAndSharedAsIndependentReadOnlyViews() {
        TextMessage a = new TextMessage("{\"a\":1}");
        TextMessage b = new TextMessage("{\"b\":2}");
        ByteBuffer first = cache.frames(List.of(a, b), 1024);
        ByteBuffer second = cache.frames(List.of(a, b), 1024);

        assertThat(first).isEqualTo(TomcatBatchWriter.frame(List.of(a, b), 0, 2));
        assertThat(second).isEqualTo(first);
        assertThat(first.isReadOnly()).isTrue();
        first.position(first.limit());
        assertThat(second.position()).as("each connection writes its own view").isZero();
        assertThat(cache.frames(List.of(a, b), 1024).remaining()).isEqualTo(second.limit());
    }

    @Test
    void batchesThatDifferInAnyMessageGetTheirOwnFrames() {
        TextMessage a = new TextMessage("{\"a\":1}");
        TextMessage b = new TextMessage("{\"b\":2}");
        TextMessage equalToB = new TextMessage("{\"b\":2}");
        TextMessage c = new TextMessage("{\"c\":33}");

        assertThat(cache.frames(List.of(a, b), 1024)).isEqualTo(TomcatBatchWriter.frame(List.of(a, b), 0, 2));
        assertThat(cache.frames(List.of(a), 1024)).isEqualTo(TomcatBatchWriter.frame(List.of(a), 0, 1));
        assertThat(cache.frames(List.of(a, c), 1024)).isEqualTo(TomcatBatchWriter.frame(List.of(a, c), 0, 2));
        assertThat(cache.frames(List.of(b, a), 1024)).isEqualTo(TomcatBatchWriter.frame(List.of(b, a), 0, 2));
        assertThat(cache.frames(List.of(a, equalToB), 1024))
                .isEqualTo(TomcatBatchWriter.frame(List.of(a, equalToB), 0, 2));
        cache.clear();
        assertThat(cache.frames(List.of(a, b), 1024)).isEqualTo(TomcatBatchWriter.frame(List.of(a, b), 0, 2));
    }

    @Test
    void aBatchLargerThanTheLimitIsNotFramedHere() {
        TextMessage big = new TextMessage("x".repeat(200));
        assertThat(cache.frames(List.of(big), 203)).as("a 4-byte header and 200 bytes").isNull();
        assertThat(cache.frames(List.of(big), 204)).isNotNull();
    }
}
