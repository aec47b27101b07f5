package exchange.common.money;

/**
 * Exact conversion between decimal strings (the wire format) and {@code long} counts of a smallest
 * unit: asset units ({@code 10^-decimals}) or grid units (tick or step sizes).
 *
 * <p>Only plain decimals are accepted: digits, at most one dot, no sign, no exponent, no spaces.
 * Nothing is ever rounded: text that would need rounding is rejected with an {@link AmountError}.
 * Stateless and thread-safe; the parsing methods do not allocate on success.
 */
public final class FixedPoint {

    /** The largest supported number of decimals: 10^18 still fits in a long. */
    public static final int MAX_DECIMALS = 18;

    private static final long[] POW10 = new long[MAX_DECIMALS + 1];

    static {
        POW10[0] = 1;
        for (int i = 1; i <= MAX_DECIMALS; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private FixedPoint() {
    }

    /**
     * @param decimals 0..18
     * @return 10^decimals
     */
    public static long pow10(int decimals) {
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals out of range: " + decimals);
        }
        return POW10[decimals];
    }

    /**
     * Parses a strictly positive decimal into units of {@code 10^-decimals}.
     *
     * @param text plain decimal such as {@code "12.5"} or {@code "0.000001"}
     * @param decimals number of decimals of the unit, 0..18
     * @return the exact number of units, at least 1
     * @throws AmountException if the text is empty, malformed, negative, zero, too precise or too big
     */
    public static long parseUnits(String text, int decimals) {
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals out of range: " + decimals);
        }
        if (text == null || text.isBlank()) {
            throw new AmountException(AmountError.EMPTY, String.valueOf(text));
        }
        int length = text.length();
        if (text.charAt(0) == '-') {
            throw new AmountException(AmountError.NEGATIVE, text);
        }
        long value = 0;
        int fractionDigits = -1;
        int digits = 0;
        boolean overflow = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (fractionDigits >= 0) {
                    throw new AmountException(AmountError.MALFORMED, text);
                }
                fractionDigits = 0;
                continue;
            }
            if (c < '0' || c > '9') {
                throw new AmountException(AmountError.MALFORMED, text);
            }
            digits++;
            int digit = c - '0';
            if (fractionDigits >= 0) {
                fractionDigits++;
                if (fractionDigits > decimals) {
                    // Trailing zeros beyond the precision are exact and harmless ("1.50" with 1 decimal).
                    if (digit != 0) {
                        throw new AmountException(AmountError.TOO_MANY_DECIMALS, text);
                    }
                    continue;
                }
            }
            if (!overflow) {
                if (value > (Long.MAX_VALUE - digit) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 + digit;
                }
            }
        }
        if (digits == 0) {
            throw new AmountException(AmountError.MALFORMED, text);
        }
        if (overflow) {
            throw new AmountException(AmountError.OVERFLOW, text);
        }
        int used = Math.max(0, Math.min(fractionDigits, decimals));
        int scaleUp = decimals - used;
        if (value == 0) {
            throw new AmountException(AmountError.ZERO, text);
        }
        if (value > Long.MAX_VALUE / POW10[scaleUp]) {
            throw new AmountException(AmountError.OVERFLOW, text);
        }
        return value * POW10[scaleUp];
    }

    /**
     * Parses a strictly positive decimal that must be a whole multiple of a grid size (tick or step).
     *
     * @param text plain decimal, e.g. a price {@code "101.25"}
     * @param decimals decimals of the asset the grid is expressed in
     * @param unitsPerGrid size of one grid step in asset units (e.g. tick 0.01 in USDC = 10_000)
     * @return the number of whole grid steps, at least 1
     * @throws AmountException as {@link #parseUnits}, or {@link AmountError#OFF_GRID}
     */
    public static long parseGrid(String text, int decimals, long unitsPerGrid) {
        if (unitsPerGrid <= 0) {
            throw new IllegalArgumentException("grid size must be positive: " + unitsPerGrid);
        }
        long units = parseUnits(text, decimals);
        if (units % unitsPerGrid != 0) {
            throw new AmountException(AmountError.OFF_GRID, text);
        }
        return units / unitsPerGrid;
    }

    /**
     * Formats units as a plain decimal with exactly {@code decimals} fractional digits
     * (Backpack prints fixed decimals). Allocates the result string.
     *
     * @param units any long, negative values get a leading minus
     * @param decimals 0..18
     * @return e.g. {@code format(1500, 3) = "1.500"}
     */
    public static String format(long units, int decimals) {
        long scale = pow10(decimals);
        StringBuilder sb = new StringBuilder(24);
        if (units < 0) {
            sb.append('-');
        }
        long whole = Math.abs(units / scale);
        long fraction = Math.abs(units % scale);
        sb.append(whole);
        if (decimals > 0) {
            sb.append('.');
            String f = Long.toString(fraction);
            sb.append("0".repeat(decimals - f.length())).append(f);
        }
        return sb.toString();
    }
    /**
     * Formats units as the shortest plain decimal: no trailing fractional zeros, no exponent, the same text as
     * {@code BigDecimal.valueOf(units, decimals).stripTrailingZeros().toPlainString()} without its allocations
     * (this runs for every price and quantity the engine publishes). Pure; allocates only the result.
     *
     * @param units any long
     * @param decimals 0..18
     * @return e.g. {@code formatTrimmed(1500, 3) = "1.5"}, {@code formatTrimmed(2000, 3) = "2"}
     */
    public static String formatTrimmed(long units, int decimals) {
        if (decimals == 0) {
            return Long.toString(units);
        }
        long scale = pow10(decimals);
        long whole = units / scale;
        long fraction = Math.abs(units % scale);
        if (fraction == 0) {
            return Long.toString(whole);
        }
        int digits = decimals;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        StringBuilder sb = new StringBuilder(24);
        if (units < 0) {
            sb.append('-');
        }
        sb.append(Math.abs(whole)).append('.');
        String f = Long.toString(fraction);
        for (int i = f.length(); i < digits; i++) {
            sb.append('0');
        }
        return sb.append(f).toString();
    }
}
