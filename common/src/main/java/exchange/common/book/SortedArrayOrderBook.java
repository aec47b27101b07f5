package exchange.common.book;

/**
 * Order book holding each side's price levels in a sorted array with the best level at the end, and
 * each level's orders in an intrusive doubly linked FIFO list.
 *
 * <p>Why an array and not a tree: near the touch, where almost all activity happens, inserting or
 * removing a level shifts only the few entries between it and the end of the array (a short
 * {@code System.arraycopy}), removing the best level is O(1), lookups are a binary search over
 * contiguous memory, and nothing is allocated per level (levels are pooled). A level far from the touch
 * costs O(levels) to insert, which stays cheap for the hundreds to low thousands of levels a market has.
 *
 * <p>Not thread-safe. Steady-state operations do not allocate; arrays and the level pool grow on demand.
 */
public final class SortedArrayOrderBook implements OrderBook {

    private final SideLevels bids = new SideLevels(false);
    private final SideLevels asks = new SideLevels(true);
    private PriceLevel[] pool = new PriceLevel[64];
    private int pooled;
    private int orderCount;

    /** Creates an empty book. */
    public SortedArrayOrderBook() {
    }

    private SideLevels levels(Side side) {
        return side == Side.Bid ? bids : asks;
    }

    @Override
    public void add(Order order) {
        SideLevels s = levels(order.side());
        long key = s.key(order.price());
        int idx = s.search(key);
        PriceLevel level;
        if (idx >= 0) {
            level = s.levels[idx];
        } else {
            level = take().reset(order.price());
            s.insert(-idx - 1, level);
        }
        order.level = level;
        order.next = null;
        order.prev = level.tail;
        if (level.tail == null) {
            level.head = order;
        } else {
            level.tail.next = order;
        }
        level.tail = order;
        level.orderCount++;
        level.totalQuantity += order.remaining();
        orderCount++;
    }

    @Override
    public void remove(Order order) {
        PriceLevel level = order.level;
        if (order.prev == null) {
            level.head = order.next;
        } else {
            order.prev.next = order.next;
        }
        if (order.next == null) {
            level.tail = order.prev;
        } else {
            order.next.prev = order.prev;
        }
        level.totalQuantity -= order.remaining();
        level.orderCount--;
        order.prev = null;
        order.next = null;
        order.level = null;
        orderCount--;
        if (level.orderCount == 0) {
            SideLevels s = levels(order.side());
            s.removeAt(s.search(s.key(level.price)));
            give(level);
        }
    }

    @Override
    public void reduce(Order order, long quantity) {
        order.level.totalQuantity -= quantity;
    }

    @Override
    public Order first(Side side) {
        SideLevels s = levels(side);
        return s.size == 0 ? null : s.levels[s.size - 1].head;
    }

    @Override
    public Order next(Order order) {
        if (order.next != null) {
            return order.next;
        }
        SideLevels s = levels(order.side());
        int idx = s.search(s.key(order.level.price));
        return idx > 0 ? s.levels[idx - 1].head : null;
    }

    @Override
    public long bestPrice(Side side) {
        SideLevels s = levels(side);
        return s.size == 0 ? NO_PRICE : s.levels[s.size - 1].price;
    }

    @Override
    public long levelQuantity(Side side, long price) {
        SideLevels s = levels(side);
        int idx = s.search(s.key(price));
        return idx >= 0 ? s.levels[idx].totalQuantity : 0;
    }

    @Override
    public int levelCount(Side side) {
        return levels(side).size;
    }

    @Override
    public int orderCount() {
        return orderCount;
    }

    private PriceLevel take() {
        return pooled == 0 ? new PriceLevel() : pool[--pooled];
    }

    private void give(PriceLevel level) {
        level.head = null;
        level.tail = null;
        if (pooled == pool.length) {
            PriceLevel[] bigger = new PriceLevel[pool.length * 2];
            System.arraycopy(pool, 0, bigger, 0, pooled);
            pool = bigger;
        }
        pool[pooled++] = level;
    }

    /** Levels of one side sorted by ascending key; key = price for bids, -price for asks, best last. */
    private static final class SideLevels {
        private final boolean negate;
        PriceLevel[] levels = new PriceLevel[64];
        int size;

        SideLevels(boolean negate) {
            this.negate = negate;
        }

        long key(long price) {
            return negate ? -price : price;
        }

        /** @return index of the level with key, or (-(insertion point) - 1) */
        int search(long key) {
            // Most activity is near the touch (the end), so probe there before bisecting.
            int hi = size - 1;
            if (hi >= 0) {
                long k = key(levels[hi].price);
                if (k == key) {
                    return hi;
                }
                if (k < key) {
                    return -(size) - 1;
                }
            }
            int lo = 0;
            hi = size - 2;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long k = key(levels[mid].price);
                if (k < key) {
                    lo = mid + 1;
                } else if (k > key) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -lo - 1;
        }

        void insert(int at, PriceLevel level) {
            if (size == levels.length) {
                PriceLevel[] bigger = new PriceLevel[levels.length * 2];
                System.arraycopy(levels, 0, bigger, 0, size);
                levels = bigger;
            }
            System.arraycopy(levels, at, levels, at + 1, size - at);
            levels[at] = level;
            size++;
        }

        void removeAt(int at) {
            System.arraycopy(levels, at + 1, levels, at, size - at - 1);
            levels[--size] = null;
        }
    }
}
