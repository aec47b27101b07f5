package exchange.stream;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Base64;

/** Markets, accounts and ED25519 API keys in a test database, and Backpack subscribe signatures. */
public final class TestData {

    private TestData() {
    }

    /** An account's key pair: {@code apiKey} is the base64 32-byte public key, as in {@code api_key}. */
    public record ApiKey(long accountId, String apiKey, KeyPair pair) {

        /** The secret as Backpack clients hold it: the base64 32-byte ED25519 seed. */
        public String secret() {
            byte[] encoded = pair.getPrivate().getEncoded();
            return Base64.getEncoder().encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
        }

        /** The SUBSCRIBE frame for {@code streams}, signed now with window 5000. */
        public String subscribeFrame(String... streams) {
            return subscribeFrame(System.currentTimeMillis(), 5000, streams);
        }

        public String subscribeFrame(long timestamp, long window, String... streams) {
            String signature = sign("instruction=subscribe&timestamp=" + timestamp + "&window=" + window);
            return "{\"method\":\"SUBSCRIBE\",\"params\":" + jsonArray(streams) + ",\"signature\":[\"" + apiKey
                    + "\",\"" + signature + "\",\"" + timestamp + "\",\"" + window + "\"]}";
        }

        public String sign(String message) {
            try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(pair.getPrivate());
                signer.update(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return Base64.getEncoder().encodeToString(signer.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static String jsonArray(String... values) {
        return Arrays.stream(values).map(v -> "\"" + v + "\"")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Assets SOL, BTC, USDC and markets SOL_USDC, BTC_USDC. */
    public static void markets(String jdbcUrl) {
        execute(jdbcUrl, """
                INSERT INTO asset (symbol, display_name, decimals) VALUES
                  ('SOL', 'Solana', 9), ('BTC', 'Bitcoin', 8), ('USDC', 'USD Coin', 6) ON CONFLICT DO NOTHING;
                INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                    maker_fee_ppm, taker_fee_ppm) VALUES
                  ('SOL_USDC', 'SOL', 'USDC', 0.01, 0.01, 0.01, 0, 0),
                  ('BTC_USDC', 'BTC', 'USDC', 0.1, 0.00001, 0.00001, 0, 0) ON CONFLICT DO NOTHING;
                """);
    }

    /** A new account with a fresh ED25519 key. */
    public static ApiKey account(String jdbcUrl, long accountId) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = pair.getPublic().getEncoded();
            String apiKey = Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO account (id, label) VALUES (?, 'test')")) {
                    s.setLong(1, accountId);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO api_key (public_key, account_id) VALUES (?, ?)")) {
                    s.setString(1, apiKey);
                    s.setLong(2, accountId);
                    s.executeUpdate();
                }
            }
            return new ApiKey(accountId, apiKey, pair);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void revoke(String jdbcUrl, ApiKey key) {
        execute(jdbcUrl, "UPDATE api_key SET revoked_at = now() WHERE public_key = '" + key.apiKey() + "'");
    }

    public static void execute(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"stream":..,"data":{"e":"trade","E":now,...}}} with trade id {@code id}. */
    public static String trade(String symbol, long id) {
        long micros = System.currentTimeMillis() * 1000;
        return "{\"stream\":\"trade." + symbol + "\",\"data\":{\"e\":\"trade\",\"E\":" + micros + ",\"s\":\"" + symbol
                + "\",\"p\":\"100.5\",\"q\":\"1\",\"b\":\"1\",\"a\":\"2\",\"t\":" + id + ",\"T\":" + micros
                + ",\"m\":true}}";
    }

    /** An order update envelope of {@code account} on {@code stream} (the publisher sends one per stream). */
    public static String orderUpdate(String stream, String symbol, String orderId) {
        long micros = System.currentTimeMillis() * 1000;
        return "{\"stream\":\"" + stream + "\",\"data\":{\"e\":\"orderAccepted\",\"E\":" + micros + ",\"s\":\""
                + symbol + "\",\"S\":\"Bid\",\"o\":\"LIMIT\",\"f\":\"GTC\",\"q\":\"1\",\"p\":\"100\",\"X\":\"New\","
                + "\"i\":\"" + orderId + "\",\"z\":\"0\",\"Z\":\"0\",\"T\":" + micros + "}}";
    }
}
