package exchange.loadgen;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * One account's ED25519 key pair in Backpack's format (the API key is the base64 32-byte public key), signing
 * with BouncyCastle's RFC 8032 code and the public key passed in, so it is not re-derived per signature
 * (several times faster than the JDK's {@code Signature} on this project's machines). Immutable, thread-safe.
 */
final class Ed25519Signer {

    private final byte[] secret;
    private final byte[] publicKey;
    private final String apiKey;

    private Ed25519Signer(byte[] secret) {
        this.secret = secret.clone();
        this.publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(this.secret, 0, publicKey, 0);
        this.apiKey = Base64.getEncoder().encodeToString(publicKey);
    }

    static Ed25519Signer generate(SecureRandom random) {
        byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(random, secret);
        return new Ed25519Signer(secret);
    }

    /** From a 32-byte private seed (Backpack's "API secret", base64-decoded). */
    static Ed25519Signer fromSeed(byte[] seed) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("An ED25519 seed has 32 bytes, not " + seed.length);
        }
        return new Ed25519Signer(seed);
    }

    String apiKey() {
        return apiKey;
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] signBytes(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(secret, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** The base64 signature of the UTF-8 bytes of {@code message}: the {@code X-Signature} header. */
    String sign(String message) {
        return Base64.getEncoder().encodeToString(signBytes(message.getBytes(StandardCharsets.UTF_8)));
    }
}
