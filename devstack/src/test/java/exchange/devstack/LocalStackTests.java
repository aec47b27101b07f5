package exchange.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTests {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedPorts() {
        LocalStack.Settings settings = LocalStack.Settings.fromEnvironment(Map.of());
        assertThat(settings.routerPort()).isEqualTo(8080);
        assertThat(settings.adminPort()).isEqualTo(8081);
        assertThat(settings.wsPort()).isEqualTo(4000);
        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.redisPort()).isEqualTo(16379);
    }

    @Test
    void aMalformedPortIsAClearMessage() {
        assertThatThrownBy(() -> LocalStack.Settings.fromEnvironment(Map.of("EXCHANGE_WS_PORT", "abc")))
                .isInstanceOf(LocalStack.StartupException.class)
                .hasMessage("EXCHANGE_WS_PORT=abc is not a TCP port (1-65535)");
    }

    @Test
    void aPortInUseIsAClearMessageAndNothingIsStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            LocalStack stack = new LocalStack(LocalStack.Settings.fromEnvironment(Map.of(
                    "EXCHANGE_DATA_DIR", dir.toString(),
                    "EXCHANGE_ROUTER_PORT", Integer.toString(port),
                    "EXCHANGE_ADMIN_PORT", Integer.toString(TestInfrastructure.freePort()),
                    "EXCHANGE_WS_PORT", Integer.toString(TestInfrastructure.freePort()),
                    "EXCHANGE_POSTGRES_PORT", Integer.toString(TestInfrastructure.freePort()),
                    "EXCHANGE_REDIS_PORT", Integer.toString(TestInfrastructure.freePort()))));
            assertThatThrownBy(stack::start)
                    .isInstanceOf(LocalStack.StartupException.class)
                    .hasMessageStartingWith("Port " + port + " for router (EXCHANGE_ROUTER_PORT) is already in use")
                    .hasMessageContaining("EXCHANGE_ROUTER_PORT=<port>");
            assertThat(stack.pids()).isEmpty();
        }
    }

    @Test
    void theDemoKeyPairIsCreatedOnceAndThenReused() {
        DemoAccount first = DemoAccount.loadOrCreate(dir);
        DemoAccount second = DemoAccount.loadOrCreate(dir);
        assertThat(second).isEqualTo(first);
        assertThat(java.util.Base64.getDecoder().decode(first.apiKey())).hasSize(32);
        assertThat(java.util.Base64.getDecoder().decode(first.apiSecret())).hasSize(32);
    }
}
