package exchange.router.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientOrderIndexTests {

    private final ClientOrderIndex index = new ClientOrderIndex();

    @Test
    void findsAnOrderByAccountClientIdAndParametersWithinTheWindow() {
        long params = ClientOrderIndex.hash("SOL_USDC|Bid|Limit|100|5|0|GTC|false|RejectTaker");
        index.remember(7, 42, 1001, params, 1_000);

        assertThat(index.find(7, 42, params, 999)).isEqualTo(1001);
        assertThat(index.find(7, 42, params, 1_000)).as("placed at the window's edge").isEqualTo(-1);
        assertThat(index.find(7, 42, params + 1, 0)).as("other parameters").isEqualTo(-1);
        assertThat(index.find(8, 42, params, 0)).as("other account").isEqualTo(-1);
        assertThat(index.find(7, 43, params, 0)).as("other clientId").isEqualTo(-1);
    }

    @Test
    void aReusedClientIdFindsTheNewerOrderAndAgingOutTheOlderKeepsIt() {
        index.remember(7, 42, 1001, 1, 1_000);
        index.remember(7, 42, 1002, 2, 2_000);

        assertThat(index.find(7, 42, 1, 0)).isEqualTo(-1);
        assertThat(index.find(7, 42, 2, 0)).isEqualTo(1002);

        index.forget(1_500, Integer.MAX_VALUE);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.find(7, 42, 2, 0)).isEqualTo(1002);

        index.forget(2_001, Integer.MAX_VALUE);
        assertThat(index.size()).isZero();
        assertThat(index.find(7, 42, 2, 0)).isEqualTo(-1);
    }

    @Test
    void theOldestGoBeyondTheCap() {
        for (int i = 0; i < 10; i++) {
            index.remember(1, i, 100 + i, 0, i);
        }
        index.forget(Long.MIN_VALUE, 4);
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.find(1, 5, 0, -1)).isEqualTo(-1);
        assertThat(index.find(1, 6, 0, -1)).isEqualTo(106);
    }

    @Test
    void accountsAndClientIdsBeyond32BitsAreKeptApart() {
        long big = 1L << 32;
        index.remember(big + 1, 5, 1, 0, 10);
        index.remember(1, 5, 2, 0, 10);
        index.remember(1, big + 5, 3, 0, 10);
        index.remember(0, (1L << 32) - 1, 4, 0, 10);

        assertThat(index.find(big + 1, 5, 0, 0)).isEqualTo(1);
        assertThat(index.find(1, 5, 0, 0)).isEqualTo(2);
        assertThat(index.find(1, big + 5, 0, 0)).isEqualTo(3);
        assertThat(index.find(0, (1L << 32) - 1, 0, 0)).isEqualTo(4);

        index.forget(11, Integer.MAX_VALUE);
        assertThat(index.find(big + 1, 5, 0, 0)).isEqualTo(-1);
        assertThat(index.find(1, big + 5, 0, 0)).isEqualTo(-1);
    }

    /** Random remembers, reuses and expiries against a plain map of the same meaning, through growth and shrinking. */
    @Test
    void agreesWithAReferenceModelThroughGrowthAndShrinking() {
        Random random = new Random(11);
        record Entry(long account, long clientId, long orderId, long hash, long timestamp) {
        }
        Map<String, Entry> latest = new HashMap<>();
        ArrayDeque<Entry> inOrder = new ArrayDeque<>();
        long now = 0;
        long orderId = 0;
        for (int round = 0; round < 40; round++) {
            // Bursts up to ~50,000 entries, then quiet rounds that let most age out.
            int burst = round % 8 < 4 ? random.nextInt(12_000) : random.nextInt(200);
            for (int i = 0; i < burst; i++) {
                now += random.nextInt(3);
                Entry e = new Entry(random.nextInt(300), random.nextInt(500), ++orderId, random.nextInt(3), now);
                index.remember(e.account(), e.clientId(), e.orderId(), e.hash(), e.timestamp());
                latest.put(e.account() + ":" + e.clientId(), e);
                inOrder.addLast(e);
            }
            long cutoff = now - 5_000;
            int cap = 30_000;
            index.forget(cutoff, cap);
            while (!inOrder.isEmpty() && (inOrder.peekFirst().timestamp() < cutoff || inOrder.size() > cap)) {
                Entry oldest = inOrder.pollFirst();
                latest.remove(oldest.account() + ":" + oldest.clientId(), oldest);
            }
            assertThat(index.size()).isEqualTo(inOrder.size());
            for (int q = 0; q < 2_000; q++) {
                long account = random.nextInt(300);
                long clientId = random.nextInt(500);
                long hash = random.nextInt(3);
                long after = now - random.nextInt(6_000);
                Entry e = latest.get(account + ":" + clientId);
                long expected = e != null && e.hash() == hash && e.timestamp() > after ? e.orderId() : -1;
                assertThat(index.find(account, clientId, hash, after)).isEqualTo(expected);
            }
        }
    }

    @Test
    void theParameterHashSeparatesNearlyEqualParameters() {
        assertThat(ClientOrderIndex.hash("SOL_USDC|Bid|Limit|100|5|0|GTC|false|RejectTaker"))
                .isNotEqualTo(ClientOrderIndex.hash("SOL_USDC|Bid|Limit|100|6|0|GTC|false|RejectTaker"))
                .isNotEqualTo(ClientOrderIndex.hash("SOL_USDC|Ask|Limit|100|5|0|GTC|false|RejectTaker"))
                .isEqualTo(ClientOrderIndex.hash("SOL_USDC|Bid|Limit|100|5|0|GTC|false|RejectTaker"));
    }
}
