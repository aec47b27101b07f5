package exchange.common.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SortedArrayOrderBookTests {

    private final OrderBook book = new SortedArrayOrderBook();
    private long nextId = 1;

    private Order order(Side side, long price, long quantity) {
        return new Order().init(nextId++, 1, Order.NO_CLIENT_ID, "X_Y", side, OrderType.Limit, TimeInForce.GTC,
                false, SelfTradePrevention.RejectTaker, price, quantity, 0, 0, 0);
    }

    private List<Long> ids(Side side) {
        List<Long> out = new ArrayList<>();
        for (Order o = book.first(side); o != null; o = book.next(o)) {
            out.add(o.orderId());
        }
        return out;
    }

    @Test
    void ordersComeOutByBestPriceThenArrival() {
        book.add(order(Side.Ask, 101, 1));
        book.add(order(Side.Ask, 100, 1));
        book.add(order(Side.Ask, 101, 1));
        book.add(order(Side.Bid, 98, 1));
        book.add(order(Side.Bid, 99, 1));
        book.add(order(Side.Bid, 98, 1));

        assertThat(ids(Side.Ask)).containsExactly(2L, 1L, 3L);
        assertThat(ids(Side.Bid)).containsExactly(5L, 4L, 6L);
        assertThat(book.bestPrice(Side.Ask)).isEqualTo(100);
        assertThat(book.bestPrice(Side.Bid)).isEqualTo(99);
        assertThat(book.levelQuantity(Side.Ask, 101)).isEqualTo(2);
        assertThat(book.levelCount(Side.Ask)).isEqualTo(2);
        assertThat(book.orderCount()).isEqualTo(6);
    }

    @Test
    void removingAndReducingKeepsLevelTotals() {
        Order a = order(Side.Bid, 50, 5);
        Order b = order(Side.Bid, 50, 3);
        book.add(a);
        book.add(b);
        a.execute(2, 0);
        book.reduce(a, 2);
        assertThat(book.levelQuantity(Side.Bid, 50)).isEqualTo(6);
        book.remove(a);
        assertThat(book.levelQuantity(Side.Bid, 50)).isEqualTo(3);
        assertThat(a.isResting()).isFalse();
        book.remove(b);
        assertThat(book.levelQuantity(Side.Bid, 50)).isZero();
        assertThat(book.bestPrice(Side.Bid)).isEqualTo(OrderBook.NO_PRICE);
        assertThat(book.first(Side.Bid)).isNull();
    }

    @Test
    void matchesASortedListUnderRandomChurn() {
        SplittableRandom random = new SplittableRandom(3);
        List<Order> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (live.isEmpty() || random.nextInt(100) < 55) {
                Order o = order(random.nextBoolean() ? Side.Bid : Side.Ask, random.nextLong(1, 400), random.nextLong(1, 9));
                book.add(o);
                live.add(o);
            } else {
                Order o = live.remove(random.nextInt(live.size()));
                book.remove(o);
            }
            if (i % 500 == 0) {
                for (Side side : Side.values()) {
                    Comparator<Order> byPrice = Comparator.comparingLong(Order::price);
                    List<Long> expected = live.stream().filter(o -> o.side() == side)
                            .sorted((side == Side.Bid ? byPrice.reversed() : byPrice)
                                    .thenComparingLong(Order::orderId))
                            .map(Order::orderId).toList();
                    assertThat(ids(side)).isEqualTo(expected);
                }
            }
        }
    }
}
