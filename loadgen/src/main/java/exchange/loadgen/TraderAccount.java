package exchange.loadgen;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One trading account of the run: its id, key and the orders it believes are resting. Planning the next action
 * happens under the account's lock (several clients may trade for the same account), the HTTP requests outside it.
 */
final class TraderAccount {

    record Resting(long orderId, String side) {
    }

    final int index;
    final long accountId;
    final Ed25519Signer key;
    private final SplittableRandom random;
    private final ArrayDeque<Resting> resting = new ArrayDeque<>();
    private long nextClientId = 1;

    TraderAccount(int index, long accountId, Ed25519Signer key, long seed) {
        this.index = index;
        this.accountId = accountId;
        this.key = key;
        this.random = new SplittableRandom(seed);
    }

    /** Plans under the lock: the action, the order to place and the resting order it cancels. */
    synchronized Step plan(OrderMix mix, long mid) {
        OrderMix.Action action = mix.nextAction(random, resting.size());
        return switch (action) {
            case CANCEL -> new Step(action, resting.pollFirst(), null, nextClientId());
            case REPLACE -> {
                Resting old = resting.pollLast();
                yield new Step(action, old, mix.newOrder(random, action, mid, old.side()), nextClientId());
            }
            default -> new Step(action, null, mix.newOrder(random, action, mid), nextClientId());
        };
    }

    synchronized void resting(long orderId, String side) {
        resting.addLast(new Resting(orderId, side));
    }

    synchronized int restingCount() {
        return resting.size();
    }

    /** Client ids are unique per account and run, so a clientId is never mistaken for a retry. */
    private long nextClientId() {
        return nextClientId++ & 0xFFFF_FFFFL;
    }

    /**
     * @param cancel the resting order to cancel first (CANCEL, REPLACE), else null
     * @param order  the order to place (LIMIT, LIMIT_CROSS, MARKET, REPLACE), else null
     */
    record Step(OrderMix.Action action, Resting cancel, OrderMix.Order order, long clientId) {
    }
}
