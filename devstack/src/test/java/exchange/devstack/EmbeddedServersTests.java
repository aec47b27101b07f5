package exchange.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServersTests {

    @TempDir
    Path dir;

    @Test
    void postgresKeepsItsDataAcrossRestartsOfTheSameDataDirectory() throws Exception {
        int port = TestInfrastructure.freePort();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("pg"), port, true)) {
            postgres.createDatabaseIfMissing("kept");
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("kept"), "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v text)");
                s.execute("INSERT INTO t VALUES ('survives')");
            }
        }
        assertThat(TestInfrastructureTests.listening(port)).isFalse();

        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("pg"), port, true);
             Connection c = DriverManager.getConnection(postgres.jdbcUrl("kept"), "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives");
        }
    }

    @Test
    void redisAnswersPingAndStopsCleanly() {
        int port = TestInfrastructure.freePort();
        EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), port);
        long pid = redis.pid();
        assertThat(redis.answersPing()).isTrue();
        redis.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(EmbeddedRedis.ping("127.0.0.1", port)).isFalse();
    }
}
