package exchange.router.auth;

import java.util.Base64;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * ED25519 signature checks with BouncyCastle's RFC 8032 implementation on a pre-decoded public key.
 *
 * <p>BouncyCastle with a decoded public point is several times faster than the JDK's
 * {@code Signature.getInstance("Ed25519")} (see the {@code SignatureVerificationBenchmark} figures in the
 * README), so a key is decoded once, when it is first seen, and the point is cached with it.
 * Instances are immutable and thread-safe.
 */
final class Ed25519Verifier {

    private final Ed25519.PublicPoint publicPoint;

    private Ed25519Verifier(Ed25519.PublicPoint publicPoint) {
        this.publicPoint = publicPoint;
    }

    /**
     * Decodes a base64 32-byte public key.
     *
     * @return null if it is not base64 of 32 bytes or not a valid curve point
     */
    static Ed25519Verifier of(String base64PublicKey) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64PublicKey);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (key.length != Ed25519.PUBLIC_KEY_SIZE) {
            return null;
        }
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(key, 0);
        return point == null ? null : new Ed25519Verifier(point);
    }

    /** True if {@code base64Signature} is a valid signature of {@code message} by this key. */
    boolean verify(String base64Signature, byte[] message) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(base64Signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicPoint, message, 0, message.length);
    }
}
