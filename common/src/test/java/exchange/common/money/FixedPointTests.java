package exchange.common.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FixedPointTests {

    @ParameterizedTest
    @CsvSource({
            "1, 6, 1000000",
            "1.5, 6, 1500000",
            "0.000001, 6, 1",
            ".5, 2, 50",
            "5., 2, 500",
            "001.10, 2, 110",
            "1.5000000, 2, 150",
            "9223372036854775807, 0, 9223372036854775807",
            "9.223372036854775807, 18, 9223372036854775807"})
    void parsesExactly(String text, int decimals, long units) {
        assertThat(FixedPoint.parseUnits(text, decimals)).isEqualTo(units);
    }

    @ParameterizedTest
    @CsvSource({
            "0.0000001, 6, TOO_MANY_DECIMALS",
            "1.001, 2, TOO_MANY_DECIMALS",
            "0, 6, ZERO",
            "0.000, 6, ZERO",
            "-1, 6, NEGATIVE",
            "-0.5, 6, NEGATIVE",
            "9223372036854775808, 0, OVERFLOW",
            "9223372036854.775808, 6, OVERFLOW",
            "99999999999999999999999, 2, OVERFLOW",
            "1e5, 6, MALFORMED",
            "1E-2, 6, MALFORMED",
            "+1, 6, MALFORMED",
            "1.2.3, 6, MALFORMED",
            "abc, 6, MALFORMED",
            "., 6, MALFORMED",
            "' 1', 6, MALFORMED",
            "1_000, 6, MALFORMED",
            "0x10, 6, MALFORMED",
            "NaN, 6, MALFORMED",
            "١, 6, MALFORMED"})
    void rejectsWithAReason(String text, int decimals, AmountError reason) {
        assertThatThrownBy(() -> FixedPoint.parseUnits(text, decimals))
                .isInstanceOfSatisfying(AmountException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmpty(String text) {
        assertThatThrownBy(() -> FixedPoint.parseUnits(text, 2))
                .isInstanceOfSatisfying(AmountException.class, e -> assertThat(e.reason()).isEqualTo(AmountError.EMPTY));
        assertThatThrownBy(() -> FixedPoint.parseUnits(null, 2))
                .isInstanceOfSatisfying(AmountException.class, e -> assertThat(e.reason()).isEqualTo(AmountError.EMPTY));
    }

    @Test
    void gridValuesMustBeWholeMultiplesOfTheGrid() {
        // tick 0.05 USDC = 50_000 units
        assertThat(FixedPoint.parseGrid("101.15", 6, 50_000)).isEqualTo(2023);
        assertThatThrownBy(() -> FixedPoint.parseGrid("101.12", 6, 50_000))
                .isInstanceOfSatisfying(AmountException.class, e -> assertThat(e.reason()).isEqualTo(AmountError.OFF_GRID));
        assertThatThrownBy(() -> FixedPoint.parseGrid("101.1234567", 6, 50_000))
                .isInstanceOfSatisfying(AmountException.class,
                        e -> assertThat(e.reason()).isEqualTo(AmountError.TOO_MANY_DECIMALS));
        assertThatThrownBy(() -> FixedPoint.parseGrid("0", 6, 50_000))
                .isInstanceOfSatisfying(AmountException.class, e -> assertThat(e.reason()).isEqualTo(AmountError.ZERO));
    }

    @Test
    void formatsWithFixedDecimalsAndRoundTrips() {
        assertThat(FixedPoint.format(1_500_000, 6)).isEqualTo("1.500000");
        assertThat(FixedPoint.format(1, 9)).isEqualTo("0.000000001");
        assertThat(FixedPoint.format(42, 0)).isEqualTo("42");
        assertThat(FixedPoint.format(-1_050, 3)).isEqualTo("-1.050");
        assertThat(FixedPoint.format(0, 2)).isEqualTo("0.00");
        for (long units : new long[] {1, 7, 999_999, 1_000_000, 123_456_789_012L, Long.MAX_VALUE}) {
            assertThat(FixedPoint.parseUnits(FixedPoint.format(units, 6), 6)).isEqualTo(units);
        }
    }

    @Test
    void rejectsUnsupportedDecimals() {
        assertThatThrownBy(() -> FixedPoint.parseUnits("1", 19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.pow10(-1)).isInstanceOf(IllegalArgumentException.class);
    }
    @ParameterizedTest
    @CsvSource({
            "1500, 3, 1.5",
            "2000, 3, 2",
            "0, 6, 0",
            "-1500, 3, -1.5",
            "-5, 1, -0.5",
            "1, 18, 0.000000000000000001",
            "100, 0, 100",
            "-9223372036854775808, 0, -9223372036854775808",
            "-9223372036854775808, 18, -9.223372036854775808",
            "9223372036854775807, 18, 9.223372036854775807"})
    void formatsTrimmed(long units, int decimals, String text) {
        assertThat(FixedPoint.formatTrimmed(units, decimals)).isEqualTo(text);
    }

    @Test
    void formatsTrimmedLikeBigDecimal() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long units = switch (i % 3) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong(-1_000_000, 1_000_000);
                default -> random.nextLong(1, 1_000) * FixedPoint.pow10(random.nextInt(10));
            };
            int decimals = random.nextInt(19);
            assertThat(FixedPoint.formatTrimmed(units, decimals)).as("%d at %d decimals", units, decimals)
                    .isEqualTo(java.math.BigDecimal.valueOf(units, decimals).stripTrailingZeros().toPlainString());
        }
    }
}
