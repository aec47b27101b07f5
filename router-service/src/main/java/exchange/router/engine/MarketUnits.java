package exchange.router.engine;

import java.math.BigDecimal;

import exchange.common.engine.MarketSpec;
import exchange.common.money.AmountException;
import exchange.common.money.FixedPoint;

/**
 * A market's unit conversions at the edge: decimal strings to engine units (ticks, steps, quote units) and
 * back. Conversion is exact; a value off the grid or too precise throws {@link AmountException}.
 *
 * @param tickUnits quote units per tick
 * @param stepUnits base units per step
 */
public record MarketUnits(MarketSpec spec, int baseDecimals, int quoteDecimals, long tickUnits, long stepUnits,
        boolean halted) {

    public static MarketUnits of(MarketSpec spec, int baseDecimals, int quoteDecimals, boolean halted) {
        return new MarketUnits(spec, baseDecimals, quoteDecimals,
                FixedPoint.parseUnits(spec.tickSize(), quoteDecimals),
                FixedPoint.parseUnits(spec.stepSize(), baseDecimals), halted);
    }

    public String symbol() {
        return spec.symbol();
    }

    public long priceTicks(String price) {
        return FixedPoint.parseGrid(price, quoteDecimals, tickUnits);
    }

    public long quantitySteps(String quantity) {
        return FixedPoint.parseGrid(quantity, baseDecimals, stepUnits);
    }

    public long quoteUnits(String quoteQuantity) {
        return FixedPoint.parseUnits(quoteQuantity, quoteDecimals);
    }

    public String price(long ticks) {
        return decimal(Math.multiplyExact(ticks, tickUnits), quoteDecimals);
    }

    public String quantity(long steps) {
        return decimal(Math.multiplyExact(steps, stepUnits), baseDecimals);
    }

    public String quote(long units) {
        return decimal(units, quoteDecimals);
    }

    public BigDecimal priceDecimal(long ticks) {
        return BigDecimal.valueOf(Math.multiplyExact(ticks, tickUnits), quoteDecimals);
    }

    public BigDecimal quantityDecimal(long steps) {
        return BigDecimal.valueOf(Math.multiplyExact(steps, stepUnits), baseDecimals);
    }

    /** Ticks of a stored price; the database only holds prices the engine produced, so they are on the grid. */
    public long ticksOf(BigDecimal price) {
        return price.movePointRight(quoteDecimals).longValueExact() / tickUnits;
    }

    public long stepsOf(BigDecimal quantity) {
        return quantity.movePointRight(baseDecimals).longValueExact() / stepUnits;
    }

    public static String decimal(long units, int decimals) {
        return FixedPoint.formatTrimmed(units, decimals);
    }
}
