package exchange.router.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class Ed25519VerifierTests {

    private final byte[] seed = new byte[32];
    private final byte[] publicKey = new byte[32];

    Ed25519VerifierTests() {
        new SecureRandom().nextBytes(seed);
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    }

    private String sign(String message) {
        byte[] signature = new byte[64];
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        Ed25519.sign(seed, 0, bytes, 0, bytes.length, signature, 0);
        return Base64.getEncoder().encodeToString(signature);
    }

    @Test
    void acceptsTheSignatureOfTheSameMessageOnly() {
        Ed25519Verifier verifier = Ed25519Verifier.of(Base64.getEncoder().encodeToString(publicKey));
        String signature = sign("instruction=balanceQuery&timestamp=1&window=5000");
        assertThat(verifier.verify(signature, "instruction=balanceQuery&timestamp=1&window=5000"
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(verifier.verify(signature, "instruction=balanceQuery&timestamp=2&window=5000"
                .getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void rejectsMalformedSignaturesAndKeys() {
        Ed25519Verifier verifier = Ed25519Verifier.of(Base64.getEncoder().encodeToString(publicKey));
        byte[] message = "m".getBytes(StandardCharsets.UTF_8);
        assertThat(verifier.verify("not base64!", message)).isFalse();
        assertThat(verifier.verify(Base64.getEncoder().encodeToString(new byte[10]), message)).isFalse();
        assertThat(verifier.verify(Base64.getEncoder().encodeToString(new byte[64]), message)).isFalse();
        assertThat(Ed25519Verifier.of("%%%")).isNull();
        assertThat(Ed25519Verifier.of(Base64.getEncoder().encodeToString(new byte[31]))).isNull();
    }
}
