package exchange.router.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Holds the engine leader inside one batch commit (a test transaction locks the {@code engine_state} row and a
 * deposit makes the leader wait for it), so that the commands submitted meanwhile pile up in the stream and are
 * read together once {@link #release()} lets the commit through.
 */
final class HeldCommit implements AutoCloseable {

    private final Connection blocker;
    private final CompletableFuture<EngineReply> holder;

    private HeldCommit(Connection blocker, CompletableFuture<EngineReply> holder) {
        this.blocker = blocker;
        this.holder = holder;
    }

    /** Returns once the leader is waiting on the lock with a deposit of one unit of USDC to {@code account}. */
    static HeldCommit hold(DataSource dataSource, JdbcClient jdbc, CommandBus bus, long account) throws SQLException {
        Connection blocker = dataSource.getConnection();
        try {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("SELECT * FROM engine_state WHERE id = 1 FOR UPDATE");
            }
            CompletableFuture<EngineReply> holder = CompletableFuture.supplyAsync(() -> bus.submit(
                    StreamCommand.transfer(StreamCommand.DEPOSIT, account, "USDC", 1L, "held-" + System.nanoTime())),
                    Thread::startVirtualThread);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE engine_state%'""")
                    .query(Long.class).single() > 0);
            return new HeldCommit(blocker, holder);
        } catch (SQLException | RuntimeException | Error e) {
            // Left open, the lock would hold every later commit of the test run, which would then hang.
            try {
                blocker.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Lets the held commit through; returns the holding deposit's reply. */
    EngineReply release() throws Exception {
        blocker.rollback();
        return holder.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws SQLException {
        blocker.close();
    }
}
