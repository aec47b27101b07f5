package exchange.router.marketdata;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Backpack's {@code Ticker} over a rolling window. {@code priceChangePercent} is a fraction, not a percentage
 * ({@code "-0.031279"} for -3.13 %): ccxt multiplies it by 100.
 */
record TickerResponse(
        String symbol,
        String firstPrice,
        String lastPrice,
        String priceChange,
        String priceChangePercent,
        String high,
        String low,
        String volume,
        String quoteVolume,
        String trades) {

    /** Six decimals, as Backpack sends the fraction. */
    private static final int PERCENT_SCALE = 6;

    /**
     * The ticker of {@code trades} trades in the window. With no trade in the window, every price is the last
     * price before it (zero if the market never traded) and the change is zero.
     */
    static TickerResponse of(String symbol, long trades, BigDecimal firstPrice, BigDecimal lastPrice,
            BigDecimal high, BigDecimal low, BigDecimal volume, BigDecimal quoteVolume) {
        BigDecimal last = lastPrice == null ? BigDecimal.ZERO : lastPrice;
        BigDecimal first = trades == 0 || firstPrice == null ? last : firstPrice;
        BigDecimal change = last.subtract(first);
        BigDecimal percent = first.signum() == 0 ? BigDecimal.ZERO
                : change.divide(first, PERCENT_SCALE, RoundingMode.HALF_UP);
        return new TickerResponse(symbol,
                WireFormat.decimal(first),
                WireFormat.decimal(last),
                WireFormat.decimal(change),
                WireFormat.decimal(percent),
                WireFormat.decimal(trades == 0 || high == null ? last : high),
                WireFormat.decimal(trades == 0 || low == null ? last : low),
                WireFormat.decimal(volume == null ? BigDecimal.ZERO : volume),
                WireFormat.decimal(quoteVolume == null ? BigDecimal.ZERO : quoteVolume),
                Long.toString(trades));
    }
}
