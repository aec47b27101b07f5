package exchange.stream.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EventTimeTests {

    @Test
    void readsTheFirstEventTimeAsNumberOrString() {
        assertThat(micros("{\"stream\":\"trade.A_B\",\"data\":{\"e\":\"trade\",\"E\":1754176123312507,\"T\":1}}"))
                .isEqualTo(1754176123312507L);
        assertThat(micros("{\"stream\":\"x\",\"data\":{\"E\": \"1754176123312507\"}}")).isEqualTo(1754176123312507L);
    }

    @Test
    void missingOrMalformedIsMinusOne() {
        assertThat(micros("{\"stream\":\"x\",\"data\":{}}")).isEqualTo(-1);
        assertThat(micros("{\"E\":null}")).isEqualTo(-1);
        assertThat(micros("\"E\":")).isEqualTo(-1);
    }

    private static long micros(String json) {
        return EventTime.micros(json.getBytes(StandardCharsets.UTF_8));
    }
}
