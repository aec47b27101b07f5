package exchange.common.engine;

import exchange.common.book.Order;
import exchange.common.collect.LongObjectMap;

/** One account's balances (indexed by asset index) and open orders. Engine-internal. */
final class Account {
    final long id;
    long[] available;
    long[] locked;
    final LongObjectMap<Order> openOrders = new LongObjectMap<>(8);
    final LongObjectMap<Order> openByClientId = new LongObjectMap<>(8);

    Account(long id, int assetCount) {
        this.id = id;
        this.available = new long[Math.max(4, assetCount)];
        this.locked = new long[available.length];
    }

    void ensureAssets(int assetCount) {
        if (assetCount > available.length) {
            available = java.util.Arrays.copyOf(available, assetCount * 2);
            locked = java.util.Arrays.copyOf(locked, assetCount * 2);
        }
    }
}
