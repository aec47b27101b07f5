package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalBookTests {

    private static LocalBook.Level level(String price, String quantity) {
        return LocalBook.Level.of(price, quantity);
    }

    private static LocalBook.Delta delta(long first, long last, List<LocalBook.Level> asks, List<LocalBook.Level> bids) {
        return new LocalBook.Delta(first, last, asks, bids);
    }

    @Test
    void deltasWaitForTheSnapshotThenOnlyNewerOnesApply() {
        LocalBook book = new LocalBook();
        assertThat(book.onDelta(delta(10, 10, List.of(level("101", "1")), List.of())))
                .isEqualTo(LocalBook.Outcome.BUFFERED);
        assertThat(book.onDelta(delta(11, 11, List.of(), List.of(level("99", "2")))))
                .isEqualTo(LocalBook.Outcome.BUFFERED);

        // The snapshot already contains update 10: it is skipped, 11 applies on top.
        book.onSnapshot(10, List.of(level("101", "1"), level("102", "3")), List.of(level("98", "5")));

        assertThat(book.synced()).isTrue();
        assertThat(book.lastUpdateId()).isEqualTo(11);
        assertThat(book.bids()).containsExactly(
                Map.entry(new BigDecimal("99"), new BigDecimal("2")),
                Map.entry(new BigDecimal("98"), new BigDecimal("5")));
        assertThat(book.asks().firstKey()).isEqualByComparingTo("101");
        assertThat(book.gaps()).isZero();
    }

    @Test
    void zeroQuantityRemovesALevelAndPricesCompareNumerically() {
        LocalBook book = new LocalBook();
        book.onSnapshot(5, List.of(level("101.10", "1.50")), List.of());

        assertThat(book.onDelta(delta(6, 6, List.of(level("101.1", "2")), List.of())))
                .isEqualTo(LocalBook.Outcome.APPLIED);
        assertThat(book.asks()).hasSize(1);
        assertThat(book.asks().get(new BigDecimal("101.1"))).isEqualByComparingTo("2");

        book.onDelta(delta(7, 7, List.of(level("101.100", "0")), List.of()));
        assertThat(book.asks()).isEmpty();
    }

    @Test
    void staleDeltaIsIgnored() {
        LocalBook book = new LocalBook();
        book.onSnapshot(20, List.of(), List.of(level("99", "1")));

        assertThat(book.onDelta(delta(19, 19, List.of(), List.of(level("99", "0")))))
                .isEqualTo(LocalBook.Outcome.STALE);
        assertThat(book.bids()).hasSize(1);
    }

    @Test
    void aMissingUpdateIsAGapThatWaitsForANewSnapshot() {
        LocalBook book = new LocalBook();
        book.onSnapshot(1, List.of(), List.of());
        book.onDelta(delta(2, 2, List.of(level("101", "1")), List.of()));

        // Update 3 was lost.
        assertThat(book.onDelta(delta(4, 4, List.of(level("102", "1")), List.of())))
                .isEqualTo(LocalBook.Outcome.GAP);
        assertThat(book.synced()).isFalse();
        assertThat(book.gaps()).isEqualTo(1);
        assertThat(book.onDelta(delta(5, 5, List.of(level("103", "1")), List.of())))
                .isEqualTo(LocalBook.Outcome.BUFFERED);

        // A snapshot at 3 bridges the gap; the buffered 4 and 5 apply on top.
        book.onSnapshot(3, List.of(level("101", "1"), level("101.5", "7")), List.of());
        assertThat(book.synced()).isTrue();
        assertThat(book.lastUpdateId()).isEqualTo(5);
        assertThat(book.asks().keySet()).extracting(BigDecimal::toPlainString)
                .containsExactly("101", "101.5", "102", "103");
    }

    @Test
    void aSnapshotOlderThanTheBufferedDeltasIsAGapToo() {
        LocalBook book = new LocalBook();
        book.onDelta(delta(8, 8, List.of(), List.of()));

        book.onSnapshot(5, List.of(), List.of());

        assertThat(book.synced()).isFalse();
        assertThat(book.gaps()).isEqualTo(1);
        assertThat(book.buffered()).isEqualTo(1);
        book.onSnapshot(7, List.of(), List.of());
        assertThat(book.synced()).isTrue();
        assertThat(book.lastUpdateId()).isEqualTo(8);
    }

    @Test
    void aDeltaSpanningSeveralUpdatesAppliesWhenItOverlapsTheBook() {
        LocalBook book = new LocalBook();
        book.onSnapshot(10, List.of(), List.of());

        assertThat(book.onDelta(delta(9, 12, List.of(level("105", "1")), List.of())))
                .isEqualTo(LocalBook.Outcome.APPLIED);
        assertThat(book.lastUpdateId()).isEqualTo(12);
    }

    @Test
    void differencesComparesTheNearestLevelsAndTheUpdateId() {
        LocalBook book = new LocalBook();
        book.onSnapshot(3, List.of(level("101", "1"), level("102", "2")), List.of(level("99", "1")));

        assertThat(book.differences(3, List.of(level("101.0", "1.0"), level("102", "2")), List.of(level("99", "1")),
                1000)).isEmpty();
        assertThat(book.differences(4, List.of(level("101", "1"), level("102", "2")), List.of(level("99", "1")),
                1000)).containsExactly("at update 3, REST at 4");
        assertThat(book.differences(3, List.of(level("101", "1"), level("102", "3")), List.of(), 1000))
                .containsExactly("ask level 2: local 102 x 2, REST 102 x 3", "bid level 1: local 99 x 1, REST none");
        // Only the nearest levels count (the REST depth is cut at its limit).
        assertThat(book.differences(3, List.of(level("101", "1")), List.of(level("99", "1")), 1)).isEmpty();
    }
}
