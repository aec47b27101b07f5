package exchange.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.Properties;

/**
 * The demo account's ED25519 key pair in Backpack's format: the API key is the base64 32-byte public key, the
 * secret the base64 32-byte private seed. Kept in the data directory so the same account survives restarts.
 */
public record DemoAccount(String apiKey, String apiSecret) {

    static final String FILE_NAME = "demo-account.properties";

    /** Reads the key pair from {@code dataDirectory}, creating (and saving, owner-only) a new one if absent. */
    public static DemoAccount loadOrCreate(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
                return new DemoAccount(properties.getProperty("apiKey"), properties.getProperty("apiSecret"));
            }
            DemoAccount created = generate();
            Files.createDirectories(dataDirectory);
            Properties properties = new Properties();
            properties.setProperty("apiKey", created.apiKey());
            properties.setProperty("apiSecret", created.apiSecret());
            try (Writer writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "Demo account of the local stack (ED25519, base64)");
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file, e);
        }
    }

    /** The local stack's admin API token: read from {@code admin-token} in the data directory, created once. */
    public static String adminToken(Path dataDirectory) {
        Path file = dataDirectory.resolve("admin-token");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDirectory);
            Files.writeString(file, token);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file, e);
        }
    }

    static DemoAccount generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            // X.509 and PKCS#8 encodings of Ed25519 keys end with the raw 32-byte key.
            byte[] publicKey = tail(pair.getPublic().getEncoded());
            byte[] seed = tail(pair.getPrivate().getEncoded());
            Base64.Encoder base64 = Base64.getEncoder();
            return new DemoAccount(base64.encodeToString(publicKey), base64.encodeToString(seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK has no Ed25519", e);
        }
    }

    private static byte[] tail(byte[] encoded) {
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }
}
