package exchange.router.engine;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The engine leader's lease, kept in PostgreSQL's {@code engine_lease} row and measured with PostgreSQL's
 * clock only, so replicas' clocks never matter.
 *
 * <p>Why a lease row and not a session advisory lock: a leader that is paused (GC, SIGSTOP) or cut off keeps
 * its database session, and with it an advisory lock, for as long as TCP lets it; a lease simply expires. A
 * standby takes over only after expiry and bumps the epoch; every batch transaction of the leader calls
 * {@link #fence} first, which extends the lease only if the epoch is still its own and the lease has not run
 * out, and holds the row lock until commit. So at most one leader can commit at a time, and an old leader
 * that wakes up finds itself fenced.
 *
 * <p>Thread-safe (all state is in the database).
 */
final class LeaderLease {

    private final JdbcClient jdbc;
    private final String holder;
    private final long leaseMillis;

    LeaderLease(JdbcClient jdbc, String holder, Duration lease) {
        this.jdbc = jdbc;
        this.holder = holder;
        this.leaseMillis = lease.toMillis();
    }

    String holder() {
        return holder;
    }

    /** Takes the lease if it has expired (or was released); returns the new epoch, or empty if someone holds it. */
    OptionalLong tryAcquire() {
        return jdbc.sql("""
                UPDATE engine_lease SET epoch = epoch + 1, holder = :holder,
                       lease_until = clock_timestamp() + :millis * interval '1 millisecond'
                WHERE id = 1 AND lease_until < clock_timestamp()
                RETURNING epoch""")
                .param("holder", holder).param("millis", leaseMillis)
                .query(Long.class).optional()
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** Extends the lease of {@code epoch}; false if it expired or another leader took over. */
    boolean renew(long epoch) {
        return jdbc.sql("""
                UPDATE engine_lease SET lease_until = clock_timestamp() + :millis * interval '1 millisecond'
                WHERE id = 1 AND epoch = :epoch AND lease_until > clock_timestamp()""")
                .param("millis", leaseMillis).param("epoch", epoch).update() == 1;
    }

    /**
     * The fence as two common table expressions, {@code idle_limit} and {@code fence} (one row, the epoch, if
     * the lease still holds), with parameters {@code :millis} and {@code :epoch}; see {@link #fence(long)}.
     */
    private static final String FENCE_CTES = """
            idle_limit AS (
                SELECT set_config('idle_in_transaction_session_timeout', :millis::text, true)),
            fence AS (
                UPDATE engine_lease SET lease_until = clock_timestamp() + :millis * interval '1 millisecond'
                FROM idle_limit
                WHERE id = 1 AND epoch = :epoch AND lease_until > clock_timestamp()
                RETURNING epoch)""";

    /**
     * Must be the first statement of every batch transaction: renews the lease and keeps the row locked until
     * the transaction ends, so no takeover can interleave with the commit. It also limits how long the
     * transaction may sit idle to one lease: a leader paused or cut off in the middle of its batch (SIGSTOP, a
     * long GC pause, a partition) would otherwise hold the row lock, and block every takeover, for as long as its
     * TCP connection lives. PostgreSQL ends such a session instead; its batch rolls back, unanswered.
     *
     * @throws FencedException if {@code epoch} no longer holds a live lease; the transaction must roll back
     */
    void fence(long epoch) {
        fence(epoch, "", Map.of());
    }

    /**
     * {@link #fence(long)} and more writes in the same statement, so they cost no extra round trip:
     * {@code moreCtes} is appended to the fence's {@code WITH} list (starting with a comma) and each of its
     * data-modifying expressions must join {@code fence}, so that it changes nothing when the fence fails.
     *
     * @throws FencedException if {@code epoch} no longer holds a live lease; the transaction must roll back
     */
    void fence(long epoch, String moreCtes, Map<String, ?> parameters) {
        JdbcClient.StatementSpec statement = jdbc.sql("WITH " + FENCE_CTES + moreCtes + "\nSELECT count(*) FROM fence")
                .param("millis", leaseMillis).param("epoch", epoch);
        for (Map.Entry<String, ?> parameter : parameters.entrySet()) {
            statement = statement.param(parameter.getKey(), parameter.getValue());
        }
        if (statement.query(Long.class).single() != 1) {
            throw new FencedException(epoch);
        }
    }

    /** Gives the lease up at once (clean shutdown), so a standby need not wait for expiry. */
    void release(long epoch) {
        jdbc.sql("UPDATE engine_lease SET lease_until = '-infinity' WHERE id = 1 AND epoch = :epoch")
                .param("epoch", epoch).update();
    }

    /** True if some replica holds an unexpired lease: order entry has somewhere to go. */
    boolean isHeld() {
        return jdbc.sql("SELECT lease_until > clock_timestamp() FROM engine_lease WHERE id = 1")
                .query(Boolean.class).single();
    }

    /** Thrown when a batch transaction finds that this replica is no longer the leader. */
    static final class FencedException extends RuntimeException {
        FencedException(long epoch) {
            super("Engine lease of epoch " + epoch + " was lost; this replica is no longer the leader",
                    null, false, false);
        }
    }
}
