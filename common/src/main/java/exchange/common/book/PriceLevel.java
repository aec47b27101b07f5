package exchange.common.book;

/** One price level: a FIFO queue of resting orders (intrusive list) and its total quantity. */
final class PriceLevel {
    long price;
    long totalQuantity;
    int orderCount;
    Order head;
    Order tail;

    PriceLevel reset(long price) {
        this.price = price;
        this.totalQuantity = 0;
        this.orderCount = 0;
        this.head = null;
        this.tail = null;
        return this;
    }
}
