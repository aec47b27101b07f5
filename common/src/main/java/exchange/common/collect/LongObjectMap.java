package exchange.common.collect;

import java.util.Arrays;

/**
 * Open-addressing hash map from non-negative {@code long} keys to objects, with linear probing and
 * backward-shift deletion (no tombstones, so lookups stay short under churn).
 *
 * <p>Exists so that the engine's hot path (order id and account id lookups) neither boxes keys nor
 * allocates entries: {@link #get}, {@link #remove} and {@link #put} of an existing key never allocate;
 * {@code put} of a new key allocates only when the table grows (load factor 1/2).
 * Iteration order is unspecified; callers that need determinism must sort.
 *
 * <p>Not thread-safe.
 *
 * @param <V> value type; null values are not allowed
 */
public final class LongObjectMap<V> {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private Object[] values;
    private int mask;
    private int size;

    /** @param expected number of entries to hold without growing */
    public LongObjectMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new Object[capacity];
        mask = capacity - 1;
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** @return the value for key, or null */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /** @return whether key is present */
    public boolean containsKey(long key) {
        return get(key) != null;
    }

    /**
     * Associates key with value.
     *
     * @param key non-negative key ({@code Long.MIN_VALUE} is reserved)
     * @param value non-null value
     * @return the previous value or null
     */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (key == EMPTY || value == null) {
            throw new IllegalArgumentException("reserved key or null value");
        }
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /** @return the removed value, or null if key was absent */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                return null;
            }
            if (k == key) {
                V old = (V) values[i];
                shiftBack(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
    }

    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = keys[i];
            if (k == EMPTY) {
                break;
            }
            int home = hash(k) & mask;
            // Move the entry into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays) {
                keys[hole] = k;
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }

    /** @return number of entries */
    public int size() {
        return size;
    }

    /**
     * Calls the action for each entry, in unspecified order. The map must not be modified meanwhile.
     *
     * @param action receives key and value
     */
    @SuppressWarnings("unchecked")
    public void forEach(EntryConsumer<V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept(keys[i], (V) values[i]);
            }
        }
    }

    /**
     * Receives one entry during {@link #forEach}.
     *
     * @param <V> value type
     */
    @FunctionalInterface
    public interface EntryConsumer<V> {
        /**
         * @param key the key
         * @param value the value
         */
        void accept(long key, V value);
    }
}
