package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionsTests {

    @Test
    void defaultsFitTheLocalStack() {
        Options o = Options.parse(new String[] {"--admin-token", "t"}, Map.of());
        assertThat(o.command()).isEqualTo("run");
        assertThat(o.restUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(o.wsUrl()).isEqualTo("ws://127.0.0.1:4000");
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/exchange");
        assertThat(o.redisPort()).isEqualTo(16379);
        assertThat(o.mode()).isEqualTo(Options.Mode.MAX);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.accounts()).isEqualTo(32);
        assertThat(o.wsClients()).isEqualTo(8);
        assertThat(o.privateClients()).isEqualTo(4);
    }

    @Test
    void parsesModesDurationsAndPids() {
        Options o = Options.parse(new String[] {"--mode", "open", "--rate=1500", "--duration", "2m",
            "--warmup", "500ms", "--pids", "router=12,34", "--url", "http://h:9/"}, Map.of());
        assertThat(o.mode()).isEqualTo(Options.Mode.OPEN);
        assertThat(o.rate()).isEqualTo(1500);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.pids()).containsExactly(Map.entry("router", 12L), Map.entry("pid34", 34L));
        assertThat(o.restUrl()).isEqualTo("http://h:9");
        assertThat(Options.parse(new String[] {"limits"}, Map.of()).duration()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--nope", "1"}, Map.of())).hasMessageContaining("--nope");
        assertThatThrownBy(() -> Options.parse(new String[] {"--mode", "fast"}, Map.of())).hasMessageContaining("max or open");
        assertThatThrownBy(() -> Options.parse(new String[] {"--accounts", "2", "--private-clients", "3"}, Map.of()))
                .hasMessageContaining("must not exceed");
        assertThat(Options.parse(new String[] {"--help"}, Map.of())).isNull();
    }
}
