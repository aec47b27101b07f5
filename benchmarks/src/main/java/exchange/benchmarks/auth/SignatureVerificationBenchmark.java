package exchange.benchmarks.auth;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of authenticating one signed order: ED25519 verification of a Backpack signing string, with the
 * JDK's {@code Signature("Ed25519")}, with BouncyCastle decoding the key each time, and with BouncyCastle on a
 * pre-decoded public point (what the router does: keys are decoded once and cached).
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar SignatureVerificationBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureVerificationBenchmark {

    private byte[] message;
    private byte[] signature;
    private byte[] rawPublicKey;
    private Ed25519.PublicPoint publicPoint;
    private PublicKey jdkPublicKey;

    @Setup
    public void keys() throws Exception {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        rawPublicKey = new byte[32];
        Ed25519.generatePublicKey(seed, 0, rawPublicKey, 0);
        message = ("instruction=orderExecute&clientId=123&orderType=Limit&price=101.25&quantity=1.5&side=Bid"
                + "&symbol=SOL_USDC&timeInForce=GTC&timestamp=1764160000000&window=5000").getBytes(StandardCharsets.UTF_8);
        signature = new byte[64];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        publicPoint = Ed25519.validatePublicKeyFullExport(rawPublicKey, 0);
        // X.509 SubjectPublicKeyInfo for Ed25519 is a fixed 12-byte prefix plus the raw key.
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] encoded = new byte[44];
        System.arraycopy(prefix, 0, encoded, 0, 12);
        System.arraycopy(rawPublicKey, 0, encoded, 12, 32);
        jdkPublicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        if (!jdk() || !bouncyCastleRawKey() || !bouncyCastlePrecomputedKey()) {
            throw new IllegalStateException("verification failed in setup");
        }
    }

    @Benchmark
    public boolean jdk() throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(jdkPublicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    @Benchmark
    public boolean bouncyCastleRawKey() {
        return Ed25519.verify(signature, 0, rawPublicKey, 0, message, 0, message.length);
    }

    @Benchmark
    public boolean bouncyCastlePrecomputedKey() {
        return Ed25519.verify(signature, 0, publicPoint, message, 0, message.length);
    }
}
