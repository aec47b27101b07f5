package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/** What several whole-system tests do to a running stack: the operator API, waiting for it, funds checks. */
final class StackSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StackSupport() {
    }

    /** POSTs {@code body} to the admin API at {@code adminBase} (scheme, host, port) and requires a 200. */
    static String admin(String adminBase, String token, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** Creates an account for {@code client}'s key and, unless {@code asset} is null, deposits into it. */
    static long fundedAccount(String adminBase, String token, SignedClient client, String asset, String amount)
            throws Exception {
        String created = admin(adminBase, token, "/admin/v1/accounts",
                "{\"publicKeys\":[\"" + client.apiKey() + "\"]}");
        long id = Long.parseLong(created.replaceAll(".*\"accountId\":(\\d+).*", "$1"));
        if (asset != null) {
            admin(adminBase, token, "/admin/v1/accounts/" + id + "/deposits",
                    "{\"asset\":\"" + asset + "\",\"amount\":\"" + amount + "\",\"externalId\":\"seed-" + asset + "\"}");
        }
        return id;
    }

    /** Waits until the router's demo seeding has created its three markets in {@code databaseUrl}. */
    static void awaitDemoMarkets(String databaseUrl) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(databaseUrl); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM market")) {
                rs.next();
                if (rs.getInt(1) == 3) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("demo markets not created");
    }

    /** Per asset, all balances (available + locked) equal deposits minus withdrawals. */
    static void assertFundsConserved(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("""
                SELECT a.symbol FROM asset a
                WHERE coalesce((SELECT sum(available + locked) FROM balance b WHERE b.asset = a.symbol), 0)
                   <> coalesce((SELECT sum(CASE kind WHEN 'Deposit' THEN amount ELSE -amount END)
                                FROM ledger_entry l WHERE l.asset = a.symbol), 0)""")) {
            assertThat(rs.next()).as("an asset is not conserved").isFalse();
        }
    }
}
