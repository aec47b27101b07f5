package exchange.stream.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

import exchange.stream.TestData;
import exchange.stream.TestProperties;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Signatures made with the JDK's Ed25519 (as a client would) and verified with BouncyCastle's. */
class SubscribeAuthenticatorTests {

    private static final long NOW = 1_750_000_000_000L;

    private final ObjectMapper json = new ObjectMapper();
    private final TestData.ApiKey key = key(42);
    private boolean databaseDown;

    private final ApiKeyDirectory directory = new ApiKeyDirectory(null, TestProperties.defaults()) {
        @Override
        Optional<ActiveKey> find(String apiKey, byte[] publicKey) {
            if (databaseDown) {
                throw new DataAccessResourceFailureException("down");
            }
            return apiKey.equals(key.apiKey())
                    ? Optional.of(new ActiveKey(42, Ed25519.validatePublicKeyPartialExport(publicKey, 0)))
                    : Optional.empty();
        }
    };
    private final SubscribeAuthenticator authenticator =
            new SubscribeAuthenticator(directory, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    @Test
    void acceptsWhatCcxtSends() {
        assertThat(authenticator.authenticate(signature(key, NOW - 4000, "5000")))
                .isEqualTo(new AuthResult.Authenticated(42));
        JsonNode numbers = json.readTree("[\"" + key.apiKey() + "\",\"" + key.sign(
                "instruction=subscribe&timestamp=" + NOW + "&window=60000") + "\"," + NOW + ",60000]");
        assertThat(authenticator.authenticate(numbers)).isEqualTo(new AuthResult.Authenticated(42));
    }

    @Test
    void rejectsEverythingElse() {
        assertThat(reason(signature(key(7), NOW, "5000"))).isEqualTo(AuthResult.Reason.INVALID);
        JsonNode tampered = json.readTree(signature(key, NOW, "5000").toString().replace("\"5000\"", "\"6000\""));
        assertThat(reason(tampered)).isEqualTo(AuthResult.Reason.INVALID);
        assertThat(reason(signature(key, NOW - 5001, "5000"))).isEqualTo(AuthResult.Reason.EXPIRED);
        assertThat(reason(signature(key, NOW + 5001, "5000"))).isEqualTo(AuthResult.Reason.EXPIRED);
        assertThat(reason(signature(key, NOW, "60001"))).isEqualTo(AuthResult.Reason.EXPIRED);
        assertThat(reason(null)).isEqualTo(AuthResult.Reason.MALFORMED);
        assertThat(reason(json.readTree("[\"a\",\"b\",\"1\"]"))).isEqualTo(AuthResult.Reason.MALFORMED);
        assertThat(reason(json.readTree("[\"a\",\"b\",\"1\",\"2\"]"))).isEqualTo(AuthResult.Reason.MALFORMED);
        assertThat(reason(json.readTree("[\"" + Base64.getEncoder().encodeToString(new byte[31])
                + "\",\"b\",\"1\",\"2\"]"))).isEqualTo(AuthResult.Reason.MALFORMED);
        databaseDown = true;
        assertThat(reason(signature(key, NOW, "5000"))).isEqualTo(AuthResult.Reason.UNAVAILABLE);
    }

    private AuthResult.Reason reason(JsonNode signature) {
        return ((AuthResult.Rejected) authenticator.authenticate(signature)).reason();
    }

    private JsonNode signature(TestData.ApiKey signer, long timestamp, String window) {
        String signed = signer.sign("instruction=subscribe&timestamp=" + timestamp + "&window=" + window);
        return json.readTree("[\"" + signer.apiKey() + "\",\"" + signed + "\",\"" + timestamp + "\",\"" + window
                + "\"]");
    }

    private static TestData.ApiKey key(long account) {
        try {
            var pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = pair.getPublic().getEncoded();
            return new TestData.ApiKey(account, Base64.getEncoder().encodeToString(
                    java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)), pair);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
