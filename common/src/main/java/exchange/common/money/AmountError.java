package exchange.common.money;

/** Why a decimal string was not accepted as an exact fixed-point amount. */
public enum AmountError {
    /** Null, empty or blank text. */
    EMPTY,
    /** Not a plain decimal: letters, exponent notation, signs in the middle, several dots, spaces. */
    MALFORMED,
    /** A minus sign: amounts, prices and sizes are strictly positive. */
    NEGATIVE,
    /** The value is zero. */
    ZERO,
    /** More fractional digits than the asset or grid allows (would need rounding). */
    TOO_MANY_DECIMALS,
    /** Representable in the asset, but not a whole multiple of the tick or step size. */
    OFF_GRID,
    /** Does not fit into a signed 64-bit number of units. */
    OVERFLOW
}
