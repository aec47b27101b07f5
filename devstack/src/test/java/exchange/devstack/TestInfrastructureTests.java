package exchange.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealInfrastructure.class)
class TestInfrastructureTests {

    @Test
    void eachNewDatabaseHasTheProductionSchemaAndIsIsolated() throws Exception {
        String first = TestInfrastructure.shared().newDatabase();
        String second = TestInfrastructure.shared().newDatabase();
        try (Connection c = DriverManager.getConnection(first); Statement s = c.createStatement()) {
            s.execute("INSERT INTO asset (symbol, display_name, decimals) VALUES ('USDC', 'USD Coin', 6)");
        }
        try (Connection c = DriverManager.getConnection(second); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM asset")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        try (Connection c = DriverManager.getConnection(second); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT label FROM account WHERE id = 0")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("fees");
        }
    }

    @Test
    void springPropertiesPointAtTheRealServers() {
        var properties = TestInfrastructure.shared().springProperties();
        assertThat(properties.get("spring.datasource.url")).startsWith("jdbc:postgresql://");
        int redisPort = Integer.parseInt(properties.get("spring.data.redis.port"));
        assertThat(EmbeddedRedis.ping(properties.get("spring.data.redis.host"), redisPort)).isTrue();
    }

    @Test
    void redisCanBeRestartedOnTheSamePort() {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        if (infrastructure.embeddedRedis() == null) {
            return;
        }
        infrastructure.restartRedis(Duration.ofMillis(100));
        assertThat(EmbeddedRedis.ping(infrastructure.redisHost(), infrastructure.redisPort())).isTrue();
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void freePortsAreDistinctBindableAndOutsideTheKernelsEphemeralRange() throws Exception {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = TestInfrastructure.freePort();
            assertThat(ports.add(port)).isTrue();
            try (java.net.ServerSocket server = new java.net.ServerSocket(port)) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
        java.nio.file.Path range = java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (java.nio.file.Files.exists(range)) {
            int ephemeralStart = Integer.parseInt(
                    java.nio.file.Files.readAllLines(range).getFirst().trim().split("\\s+")[0]);
            // Outgoing connections take their local port from that range, so they can never take one of these.
            assertThat(ports).allMatch(port -> port < ephemeralStart);
        }
    }
}
