package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import exchange.devstack.LocalStack;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command local stack as a user runs it: real PostgreSQL and Redis processes, the packaged router and
 * ws-stream jars as child JVMs. Checks the "done when" of the foundation: markets listed, WebSocket accepted,
 * nothing left running after stop, and a restart finds the same accounts and balances.
 */
class LocalStackIT {

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void startsServesStopsCleanlyAndKeepsStateAcrossRestarts() throws Exception {
        LocalStack.Settings settings = new LocalStack.Settings(dataDirectory,
                TestInfrastructure.freePort(), TestInfrastructure.freePort(), TestInfrastructure.freePort(),
                TestInfrastructure.freePort(), TestInfrastructure.freePort(),
                Path.of(System.getProperty("exchange.router.jar")), Path.of(System.getProperty("exchange.ws.jar")),
                List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));

        String apiKey;
        long accountId;
        List<Long> firstRunPids;
        try (LocalStack stack = new LocalStack(settings)) {
            stack.start();
            apiKey = stack.demoAccount().apiKey();
            firstRunPids = stack.pids();
            assertThat(firstRunPids).hasSize(4);

            HttpResponse<String> markets = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + settings.routerPort() + "/api/v1/markets")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(markets.statusCode()).isEqualTo(200);
            assertThat(markets.body()).contains("\"SOL_USDC\"", "\"BTC_USDC\"", "\"ETH_USDC\"");

            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + settings.wsPort() + "/"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

            try (Connection c = database(settings); Statement s = c.createStatement()) {
                accountId = accountOf(s, apiKey);
                // Stands for trading activity since the seed: a restart must keep it, not re-seed over it.
                s.execute("INSERT INTO ledger_entry (account_id, asset, kind, amount, external_id) "
                        + "VALUES (" + accountId + ", 'USDC', 'Withdrawal', 5, 'it-withdrawal')");
                s.execute("UPDATE balance SET available = available - 5 WHERE account_id = " + accountId
                        + " AND asset = 'USDC'");
            }
        }
        for (long pid : firstRunPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d still running after stop", pid).isFalse();
        }

        try (LocalStack stack = new LocalStack(settings)) {
            stack.start();
            assertThat(stack.demoAccount().apiKey()).isEqualTo(apiKey);
            try (Connection c = database(settings); Statement s = c.createStatement()) {
                assertThat(accountOf(s, apiKey)).isEqualTo(accountId);
                try (ResultSet rs = s.executeQuery("SELECT available FROM balance WHERE account_id = " + accountId
                        + " AND asset = 'USDC'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(1_000_000L * 1_000_000L - 5);
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM account WHERE label = 'demo'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
    }

    private static Connection database(LocalStack.Settings settings) throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/exchange", "postgres", "");
    }

    private static long accountOf(Statement s, String apiKey) throws Exception {
        try (ResultSet rs = s.executeQuery(
                "SELECT account_id FROM api_key WHERE public_key = '" + apiKey.replace("'", "") + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
