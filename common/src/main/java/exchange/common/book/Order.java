package exchange.common.book;

/**
 * The engine's mutable order, also the node of the book's intrusive FIFO queues (so resting an order
 * allocates nothing). Instances are pooled and reused by the engine once an order is final.
 *
 * <p>Owned by the engine thread; not thread-safe. Only the engine mutates it; everyone else should see
 * it as an {@link OrderView}.
 */
public final class Order implements OrderView {

    /** Marker for "no client id". */
    public static final long NO_CLIENT_ID = -1;

    private long orderId;
    private long accountId;
    private long clientId;
    private String symbol;
    private Side side;
    private OrderType type;
    private TimeInForce timeInForce;
    private boolean postOnly;
    private SelfTradePrevention selfTradePrevention;
    private long price;
    private long quantity;
    private long quoteQuantity;
    private long executedQuantity;
    private long executedQuoteQuantity;
    private long locked;
    private OrderStatus status;
    private long createdAt;

    // Book links, maintained only by the book implementation.
    Order prev;
    Order next;
    PriceLevel level;

    /**
     * (Re)initialises this object as a fresh order with nothing executed and status New.
     *
     * @return this
     */
    public Order init(long orderId, long accountId, long clientId, String symbol, Side side, OrderType type,
            TimeInForce timeInForce, boolean postOnly, SelfTradePrevention selfTradePrevention, long price,
            long quantity, long quoteQuantity, long locked, long createdAt) {
        this.orderId = orderId;
        this.accountId = accountId;
        this.clientId = clientId;
        this.symbol = symbol;
        this.side = side;
        this.type = type;
        this.timeInForce = timeInForce;
        this.postOnly = postOnly;
        this.selfTradePrevention = selfTradePrevention;
        this.price = price;
        this.quantity = quantity;
        this.quoteQuantity = quoteQuantity;
        this.executedQuantity = 0;
        this.executedQuoteQuantity = 0;
        this.locked = locked;
        this.status = OrderStatus.New;
        this.createdAt = createdAt;
        this.prev = null;
        this.next = null;
        this.level = null;
        return this;
    }

    /**
     * Restores execution progress (used when rebuilding from a snapshot).
     *
     * @return this
     */
    public Order restoreProgress(long executedQuantity, long executedQuoteQuantity, OrderStatus status) {
        this.executedQuantity = executedQuantity;
        this.executedQuoteQuantity = executedQuoteQuantity;
        this.status = status;
        return this;
    }

    /**
     * Records an execution; the status becomes PartiallyFilled (the engine sets Filled when done).
     * The book's level totals are not updated here: use {@link OrderBook#reduce} for resting orders.
     */
    public void execute(long qty, long quote) {
        executedQuantity += qty;
        executedQuoteQuantity += quote;
        status = OrderStatus.PartiallyFilled;
    }

    /** @return steps still to fill; {@code Long.MAX_VALUE} for an order sized by quote quantity */
    public long remaining() {
        return quantity == 0 ? Long.MAX_VALUE : quantity - executedQuantity;
    }

    /** @return quote units still to spend or receive; {@code Long.MAX_VALUE} unless sized by quote */
    public long remainingQuote() {
        return quoteQuantity == 0 ? Long.MAX_VALUE : quoteQuantity - executedQuoteQuantity;
    }

    /** @param locked funds now locked for this order */
    public void setLocked(long locked) {
        this.locked = locked;
    }

    /** @param status new status */
    public void setStatus(OrderStatus status) {
        this.status = status;
    }

    /** @return whether the order currently rests on a book */
    public boolean isResting() {
        return level != null;
    }

    @Override public long orderId() { return orderId; }
    @Override public long accountId() { return accountId; }
    @Override public long clientId() { return clientId; }
    @Override public String symbol() { return symbol; }
    @Override public Side side() { return side; }
    @Override public OrderType type() { return type; }
    @Override public TimeInForce timeInForce() { return timeInForce; }
    @Override public boolean postOnly() { return postOnly; }
    @Override public SelfTradePrevention selfTradePrevention() { return selfTradePrevention; }
    @Override public long price() { return price; }
    @Override public long quantity() { return quantity; }
    @Override public long quoteQuantity() { return quoteQuantity; }
    @Override public long executedQuantity() { return executedQuantity; }
    @Override public long executedQuoteQuantity() { return executedQuoteQuantity; }
    @Override public long locked() { return locked; }
    @Override public OrderStatus status() { return status; }
    @Override public long createdAt() { return createdAt; }

    @Override
    public String toString() {
        return "Order[" + orderId + " acct=" + accountId + " " + side + " " + type + " " + executedQuantity + "/"
                + quantity + "@" + price + " " + status + "]";
    }
}
