package exchange.router.engine;

import java.util.HashMap;
import java.util.Map;

import org.agrona.collections.Long2LongHashMap;

/**
 * The engine's memory of recent client orders, for idempotent retries: which order an account's
 * {@code clientId} placed, with which parameters (a 64-bit hash) and when. Engine thread only.
 *
 * <p>Entries sit in primitive arrays, a FIFO ring in the order they were remembered, found through a primitive
 * hash map from (account, clientId) to the entry's sequence number: about 60-100 bytes per order and nothing for
 * the garbage collector to trace. The previous layout (records, strings and two object maps per order, ~490
 * bytes) held 150,000 orders in ~75 MB at 1,000 orders/s; the router spent a fifth of its CPU in concurrent
 * marking, and its cap of 1,000,000 orders would not have fitted the router's 512 MB heap at all.
 *
 * <p>A clientId used again replaces the earlier entry; the earlier one stays in the ring until it ages out, and is
 * then skipped.
 */
final class ClientOrderIndex {

    private static final long MISSING = -1;
    private static final int MIN_CAPACITY = 1024;

    /**
     * (account, clientId) packed into a long, for accounts below 2^32 (every account, in practice) and clientIds
     * of 32 bits (all the API accepts).
     */
    private final Long2LongHashMap bySequence = new Long2LongHashMap(MISSING);
    /** The pairs that cannot be packed; keyed "account:clientId". */
    private final Map<String, Long> wideBySequence = new HashMap<>();

    private long[] accounts = new long[MIN_CAPACITY];
    private long[] clientIds = new long[MIN_CAPACITY];
    private long[] orderIds = new long[MIN_CAPACITY];
    private long[] parameterHashes = new long[MIN_CAPACITY];
    private long[] timestamps = new long[MIN_CAPACITY];
    /** Sequence number of the oldest entry, and of the next one; entry {@code s} sits at {@code s & mask}. */
    private long head;
    private long tail;
    private int mask = MIN_CAPACITY - 1;

    /** Entries in the ring, replaced ones included until they age out. */
    int size() {
        return (int) (tail - head);
    }

    /**
     * Remembers that {@code accountId}'s {@code clientId} placed {@code orderId} at {@code timestamp}; timestamps
     * must not decrease from one call to the next.
     */
    void remember(long accountId, long clientId, long orderId, long parameterHash, long timestamp) {
        if (tail - head == accounts.length) {
            resize(accounts.length * 2);
        }
        int slot = (int) (tail & mask);
        accounts[slot] = accountId;
        clientIds[slot] = clientId;
        orderIds[slot] = orderId;
        parameterHashes[slot] = parameterHash;
        timestamps[slot] = timestamp;
        if (packable(accountId, clientId)) {
            bySequence.put(pack(accountId, clientId), tail);
        } else {
            wideBySequence.put(accountId + ":" + clientId, tail);
        }
        tail++;
    }

    /**
     * The order that {@code accountId}'s {@code clientId} placed with the same parameters later than
     * {@code after}, or -1.
     */
    long find(long accountId, long clientId, long parameterHash, long after) {
        long sequence = sequenceOf(accountId, clientId);
        if (sequence == MISSING) {
            return -1;
        }
        int slot = (int) (sequence & mask);
        return parameterHashes[slot] == parameterHash && timestamps[slot] > after ? orderIds[slot] : -1;
    }

    /** Forgets entries older than {@code cutoff}, and the oldest beyond {@code maxEntries}. */
    void forget(long cutoff, int maxEntries) {
        while (tail > head && (timestamps[(int) (head & mask)] < cutoff || tail - head > maxEntries)) {
            int slot = (int) (head & mask);
            long accountId = accounts[slot];
            long clientId = clientIds[slot];
            // Only if no newer order took the clientId over since.
            if (sequenceOf(accountId, clientId) == head) {
                if (packable(accountId, clientId)) {
                    bySequence.remove(pack(accountId, clientId));
                } else {
                    wideBySequence.remove(accountId + ":" + clientId);
                }
            }
            head++;
        }
        // After a burst, give the memory back: the ring halves once it is a quarter full.
        if (accounts.length > MIN_CAPACITY && tail - head < accounts.length / 4) {
            resize(Math.max(MIN_CAPACITY, accounts.length / 2));
            bySequence.compact();
        }
    }

    private long sequenceOf(long accountId, long clientId) {
        if (packable(accountId, clientId)) {
            return bySequence.get(pack(accountId, clientId));
        }
        Long sequence = wideBySequence.get(accountId + ":" + clientId);
        return sequence == null ? MISSING : sequence;
    }

    private void resize(int capacity) {
        long[] newAccounts = new long[capacity];
        long[] newClientIds = new long[capacity];
        long[] newOrderIds = new long[capacity];
        long[] newHashes = new long[capacity];
        long[] newTimestamps = new long[capacity];
        int newMask = capacity - 1;
        for (long s = head; s < tail; s++) {
            int from = (int) (s & mask);
            int to = (int) (s & newMask);
            newAccounts[to] = accounts[from];
            newClientIds[to] = clientIds[from];
            newOrderIds[to] = orderIds[from];
            newHashes[to] = parameterHashes[from];
            newTimestamps[to] = timestamps[from];
        }
        accounts = newAccounts;
        clientIds = newClientIds;
        orderIds = newOrderIds;
        parameterHashes = newHashes;
        timestamps = newTimestamps;
        mask = newMask;
    }

    private static boolean packable(long accountId, long clientId) {
        return accountId >= 0 && accountId < (1L << 32) && clientId >= 0 && clientId < (1L << 32);
    }

    private static long pack(long accountId, long clientId) {
        return accountId << 32 | clientId;
    }

    /**
     * A 64-bit hash of an order's parameters as {@link EngineLeader} writes them: FNV-1a over the characters,
     * then MurmurHash3's finaliser so every input bit reaches every output bit. Two different parameter sets of
     * one account and clientId collide with probability 2^-64; even then the retry gets back its own account's
     * order.
     */
    static long hash(String parameters) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < parameters.length(); i++) {
            h ^= parameters.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
