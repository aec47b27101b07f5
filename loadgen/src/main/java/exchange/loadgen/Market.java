package exchange.loadgen;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A market's grid as {@code GET /api/v1/markets} describes it. The load generator thinks in whole ticks and
 * steps and writes decimals only when it builds a request, so every price and quantity it sends is on the grid.
 */
record Market(String symbol, String baseSymbol, String quoteSymbol, BigDecimal tickSize, BigDecimal stepSize,
        BigDecimal minQuantity) {

    String price(long ticks) {
        return plain(tickSize.multiply(BigDecimal.valueOf(ticks)));
    }

    String quantity(long steps) {
        return plain(stepSize.multiply(BigDecimal.valueOf(steps)));
    }

    /** The nearest tick at or below {@code price}. */
    long ticks(BigDecimal price) {
        return price.divide(tickSize, 0, RoundingMode.FLOOR).longValueExact();
    }

    /** The smallest quantity in steps that the market accepts. */
    long minSteps() {
        return Math.max(1, minQuantity.divide(stepSize, 0, RoundingMode.CEILING).longValueExact());
    }

    static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
