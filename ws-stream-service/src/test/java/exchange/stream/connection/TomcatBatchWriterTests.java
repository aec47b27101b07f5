package exchange.stream.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;

class TomcatBatchWriterTests {

    @Test
    void tomcatsInternalsAreReachable() {
        // Without them every delivery is re-encoded and framed per connection through JSR-356; a Tomcat upgrade
        // that moves them must fail here, not silently cost most of the service's CPU.
        assertThat(TomcatFrames.available()).isTrue();
        // Without it every batch is written by a virtual thread of its own, as before the fan-out threads wrote.
        assertThat(TomcatFrames.directWritesAvailable()).isTrue();
    }

    @Test
    void framesEachMessageWithTheShortestLengthEncoding() {
        List<TextMessage> batch = new ArrayList<>();
        for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
            batch.add(new TextMessage("x".repeat(length).getBytes(StandardCharsets.UTF_8)));
        }
        batch.add(new TextMessage("{\"s\":\"\u00e9\u20ac\ud83d\ude80\"}"));

        ByteBuffer frames = TomcatBatchWriter.frame(batch, 0, batch.size());

        for (TextMessage message : batch) {
            byte[] payload = message.asBytes();
            assertThat(frames.get()).as("FIN + text opcode").isEqualTo((byte) 0x81);
            int marker = frames.get();
            assertThat(marker & 0x80).as("server frames are not masked").isZero();
            long length = marker;
            if (payload.length >= 126 && payload.length <= 0xFFFF) {
                assertThat(marker).isEqualTo(126);
                length = frames.getShort() & 0xFFFF;
            } else if (payload.length > 0xFFFF) {
                assertThat(marker).isEqualTo(127);
                length = frames.getLong();
            }
            assertThat(length).isEqualTo(payload.length);
            byte[] read = new byte[payload.length];
            frames.get(read);
            assertThat(read).isEqualTo(payload);
        }
        assertThat(frames.hasRemaining()).isFalse();
    }

    @Test
    void framesOnlyTheRangeAsked() {
        List<TextMessage> batch = List.of(new TextMessage("a"), new TextMessage("bc"), new TextMessage("def"));

        ByteBuffer frames = TomcatBatchWriter.frame(batch, 1, 3);

        assertThat(frames.remaining()).isEqualTo(2 + 2 + 2 + 3);
        assertThat(frames.get(1)).isEqualTo((byte) 2);
        assertThat(frames.get(5)).isEqualTo((byte) 3);
    }
}
