package exchange.loadgen;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest state the load generator has seen of every order it got acknowledged: from the order's 200 answer,
 * from a cancel's answer, and, for watched accounts, from the private {@code account.orderUpdate} stream.
 * Answers and stream messages race, so a newer-looking state never gives way to an older one: a final status
 * beats an open one, and more executed quantity beats less. Thread-safe.
 */
final class OrderTracker {

    static final Set<String> FINAL = Set.of("Filled", "Cancelled", "Expired");

    /**
     * @param status          last status seen ({@code New}, {@code PartiallyFilled}, {@code Filled}, ...)
     * @param executed        executed base quantity seen with it
     * @param cancelRequested a cancel was sent for it (so {@code Cancelled} in the database is explained)
     * @param goneOnCancel    a cancel found it no longer open (404): it must have ended
     * @param conflict        two different final states were seen (reported by the verification)
     */
    record Seen(long orderId, long accountId, String status, BigDecimal executed, boolean cancelRequested,
            boolean goneOnCancel, String conflict) {

        boolean isFinal() {
            return FINAL.contains(status);
        }
    }

    private final Map<Long, Seen> orders = new ConcurrentHashMap<>();

    void observe(long orderId, long accountId, String status, BigDecimal executed) {
        orders.merge(orderId, new Seen(orderId, accountId, status, executed, false, false, null), OrderTracker::newer);
    }

    void cancelRequested(long orderId) {
        orders.computeIfPresent(orderId, (id, seen) -> new Seen(id, seen.accountId(), seen.status(), seen.executed(),
                true, seen.goneOnCancel(), seen.conflict()));
    }

    void goneOnCancel(long orderId) {
        orders.computeIfPresent(orderId, (id, seen) -> new Seen(id, seen.accountId(), seen.status(), seen.executed(),
                seen.cancelRequested(), true, seen.conflict()));
    }

    Map<Long, Seen> all() {
        return Map.copyOf(orders);
    }

    int size() {
        return orders.size();
    }

    /** Merge rule: final beats open, then more executed wins; flags are kept; two different finals conflict. */
    static Seen newer(Seen old, Seen incoming) {
        boolean oldFinal = old.isFinal();
        boolean newFinal = incoming.isFinal();
        String conflict = old.conflict();
        if (oldFinal && newFinal && (!old.status().equals(incoming.status())
                || old.executed().compareTo(incoming.executed()) != 0)) {
            conflict = old.status() + " " + old.executed().toPlainString() + " then " + incoming.status() + " "
                    + incoming.executed().toPlainString();
        }
        boolean takeIncoming;
        if (oldFinal != newFinal) {
            takeIncoming = newFinal;
        } else {
            int cmp = incoming.executed().compareTo(old.executed());
            takeIncoming = cmp > 0 || (cmp == 0 && rank(incoming.status()) > rank(old.status()));
        }
        Seen base = takeIncoming ? incoming : old;
        return new Seen(old.orderId(), old.accountId(), base.status(), base.executed(),
                old.cancelRequested() || incoming.cancelRequested(), old.goneOnCancel() || incoming.goneOnCancel(),
                conflict);
    }

    private static int rank(String status) {
        return switch (status) {
            case "New" -> 0;
            case "PartiallyFilled" -> 1;
            default -> 2;
        };
    }
}
