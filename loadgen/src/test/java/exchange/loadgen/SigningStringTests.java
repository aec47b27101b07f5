package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class SigningStringTests {

    @Test
    void parametersAreSortedByKeyBetweenInstructionAndTimestamp() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("symbol", "SOL_USDC");
        params.put("side", "Bid");
        params.put("quantity", "1.5");
        params.put("price", "101.25");
        params.put("orderType", "Limit");
        params.put("clientId", 42L);
        params.put("postOnly", true);

        assertThat(SigningString.of("orderExecute", params, 1_700_000_000_000L, 5000)).isEqualTo(
                "instruction=orderExecute&clientId=42&orderType=Limit&postOnly=true&price=101.25&quantity=1.5"
                        + "&side=Bid&symbol=SOL_USDC&timestamp=1700000000000&window=5000");
    }

    @Test
    void nullValuesAreLeftOutAsTheServerIgnoresJsonNulls() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("symbol", "SOL_USDC");
        params.put("clientId", null);

        assertThat(SigningString.of("orderCancel", params, 1, 2))
                .isEqualTo("instruction=orderCancel&symbol=SOL_USDC&timestamp=1&window=2");
    }

    @Test
    void withoutParametersOnlyInstructionTimestampAndWindow() {
        assertThat(SigningString.subscribe(1_754_000_000_123L, 5000))
                .isEqualTo("instruction=subscribe&timestamp=1754000000123&window=5000");
    }

    @Test
    void signerProducesRfc8032SignaturesInBackpackEncoding() {
        // RFC 8032 section 7.1, test 1 (empty message).
        HexFormat hex = HexFormat.of();
        Ed25519Signer signer = Ed25519Signer.fromSeed(
                hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

        assertThat(signer.apiKey()).isEqualTo(Base64.getEncoder().encodeToString(
                hex.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")));
        assertThat(hex.formatHex(signer.signBytes(new byte[0]))).isEqualTo(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void signatureOfTheSigningStringVerifiesAsTheRouterChecksIt() {
        Ed25519Signer signer = Ed25519Signer.generate(new SecureRandom());
        String message = SigningString.of("orderCancel", Map.of("symbol", "SOL_USDC", "orderId", "17"), 5, 5000);

        byte[] signature = Base64.getDecoder().decode(signer.sign(message));
        byte[] key = Base64.getDecoder().decode(signer.apiKey());
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);

        assertThat(Ed25519.verify(signature, 0, Ed25519.validatePublicKeyFullExport(key, 0), bytes, 0,
                bytes.length)).isTrue();
        bytes[0] ^= 1;
        assertThat(Ed25519.verify(signature, 0, key, 0, bytes, 0, bytes.length)).isFalse();
    }
}
