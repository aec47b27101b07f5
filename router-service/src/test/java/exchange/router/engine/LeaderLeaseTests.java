package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The lease against a real PostgreSQL: exclusivity, expiry, takeover and fencing of a paused leader. */
@ExtendWith(RealInfrastructure.class)
class LeaderLeaseTests {

    private DataSource dataSource;
    private JdbcClient jdbc;

    @BeforeEach
    void database() {
        dataSource = new DriverManagerDataSource(TestInfrastructure.shared().newDatabase());
        jdbc = JdbcClient.create(dataSource);
    }

    @Test
    void onlyOneReplicaHoldsALiveLease() {
        LeaderLease a = new LeaderLease(jdbc, "a", Duration.ofSeconds(5));
        LeaderLease b = new LeaderLease(jdbc, "b", Duration.ofSeconds(5));
        OptionalLong epochA = a.tryAcquire();
        assertThat(epochA).isPresent();
        assertThat(b.tryAcquire()).isEmpty();
        assertThat(a.renew(epochA.getAsLong())).isTrue();
        assertThat(a.isHeld()).isTrue();
    }

    @Test
    void anExpiredLeaseIsTakenOverWithANewEpochAndTheOldLeaderIsFenced() throws Exception {
        LeaderLease a = new LeaderLease(jdbc, "a", Duration.ofMillis(300));
        LeaderLease b = new LeaderLease(jdbc, "b", Duration.ofSeconds(5));
        long epochA = a.tryAcquire().orElseThrow();
        Thread.sleep(400);
        long epochB = b.tryAcquire().orElseThrow();
        assertThat(epochB).isEqualTo(epochA + 1);
        assertThat(a.renew(epochA)).isFalse();
        assertThatThrownBy(() -> a.fence(epochA)).isInstanceOf(LeaderLease.FencedException.class);
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        LeaderLease a = new LeaderLease(jdbc, "a", Duration.ofSeconds(30));
        long epoch = a.tryAcquire().orElseThrow();
        a.release(epoch);
        assertThat(new LeaderLease(jdbc, "b", Duration.ofSeconds(30)).tryAcquire()).isPresent();
    }

    @Test
    void aPausedLeaderCannotCommitAfterItsLeaseMoved() throws Exception {
        LeaderLease old = new LeaderLease(jdbc, "old", Duration.ofMillis(300));
        long oldEpoch = old.tryAcquire().orElseThrow();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));

        // The old leader has applied a batch in memory and is "paused" before its transaction starts.
        Thread.sleep(400);
        long newEpoch = new LeaderLease(jdbc, "new", Duration.ofSeconds(5)).tryAcquire().orElseThrow();
        assertThat(newEpoch).isGreaterThan(oldEpoch);

        // Released, it tries to commit its batch: the fence throws and nothing of the batch lands.
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            old.fence(oldEpoch);
            jdbc.sql("INSERT INTO account (id, label) VALUES (424242, 'written by a fenced leader')").update();
        })).isInstanceOf(LeaderLease.FencedException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE id = 424242").query(Long.class).single()).isZero();
    }

    @Test
    void aTakeoverCannotInterleaveWithTheLeadersOpenBatch() throws Exception {
        LeaderLease leader = new LeaderLease(jdbc, "leader", Duration.ofMillis(300));
        long epoch = leader.tryAcquire().orElseThrow();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        LeaderLease standby = new LeaderLease(jdbc, "standby", Duration.ofSeconds(5));

        CompletableFuture<OptionalLong> takeover = new CompletableFuture<>();
        CompletableFuture<Long> takeoverDoneAt = takeover.thenApply(result -> System.nanoTime());
        long[] committedAt = new long[1];
        tx.executeWithoutResult(status -> {
            leader.fence(epoch);
            CompletableFuture.runAsync(() -> {
                sleep(400);
                takeover.complete(standby.tryAcquire());
            });
            // A batch whose statements outlive the lease: the standby sees an expired lease, but the row lock the
            // fence holds makes it wait for this commit.
            jdbc.sql("SELECT pg_sleep(0.8)").query().singleValue();
            committedAt[0] = System.nanoTime();
        });
        assertThat(takeover.get(5, TimeUnit.SECONDS)).isPresent();
        assertThat(takeoverDoneAt.get()).as("takeover finished only after the batch committed")
                .isGreaterThan(committedAt[0]);
        assertThat(leader.renew(epoch)).isFalse();
    }

    @Test
    void aLeaderStalledInsideItsBatchLosesTheBatchAndDoesNotBlockTheTakeover() throws Exception {
        LeaderLease leader = new LeaderLease(jdbc, "leader", Duration.ofMillis(300));
        long epoch = leader.tryAcquire().orElseThrow();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        LeaderLease standby = new LeaderLease(jdbc, "standby", Duration.ofSeconds(5));

        CompletableFuture<OptionalLong> takeover = new CompletableFuture<>();
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            leader.fence(epoch);
            jdbc.sql("INSERT INTO account (id, label) VALUES (434343, 'written by a stalled leader')").update();
            // The leader stalls between statements (SIGSTOP, GC, partition) for far longer than its lease.
            CompletableFuture.runAsync(() -> {
                // As a standby does: polls until the lease can be taken.
                OptionalLong epochB = OptionalLong.empty();
                for (int i = 0; i < 30 && epochB.isEmpty(); i++) {
                    epochB = standby.tryAcquire();
                    sleep(100);
                }
                takeover.complete(epochB);
            });
            sleep(1_500);
            jdbc.sql("INSERT INTO account (id, label) VALUES (434344, 'written by a stalled leader')").update();
        })).as("PostgreSQL ended the stalled transaction").isInstanceOf(RuntimeException.class);

        assertThat(takeover.get(5, TimeUnit.SECONDS)).as("the standby took over during the stall").isPresent();
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE id IN (434343, 434344)").query(Long.class).single())
                .as("nothing of the stalled batch landed").isZero();
        assertThat(leader.renew(epoch)).isFalse();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
