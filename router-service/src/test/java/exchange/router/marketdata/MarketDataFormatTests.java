package exchange.router.marketdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decimal and time rendering, ticker arithmetic and depth limiting: the pure parts of the read side. */
class MarketDataFormatTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0.50000000, 0.5", "0E-8, 0", "0, 0", "1E+3, 1000", "150.00, 150", "0.00000001, 0.00000001",
            "-10.2400, -10.24", "123456789012345678.123, 123456789012345678.123"})
    void decimalsArePlainWithoutTrailingZeros(String numeric, String wire) {
        assertThat(WireFormat.decimal(new BigDecimal(numeric))).isEqualTo(wire);
    }

    @Test
    void nullDecimalsStayNullSoTheFieldIsOmitted() {
        assertThat(WireFormat.decimal(null)).isNull();
    }

    @Test
    void timesInBackpacksUnits() {
        Instant time = Instant.parse("2025-07-27T17:39:00.092345Z");
        assertThat(WireFormat.naiveUtcMillis(time)).isEqualTo("2025-07-27T17:39:00.092");
        assertThat(WireFormat.micros(time)).isEqualTo(1753637940092345L);
        assertThat(KlineResponse.time(time)).isEqualTo("2025-07-27 17:39:00");
    }

    @Test
    void tickerChangeIsAFractionOfTheFirstPrice() {
        TickerResponse ticker = TickerResponse.of("AAVE_USDC", 245, new BigDecimal("327.38"),
                new BigDecimal("317.14"), new BigDecimal("337.99"), new BigDecimal("300.01"),
                new BigDecimal("65.823"), new BigDecimal("21584.32278"));
        assertThat(ticker).isEqualTo(new TickerResponse("AAVE_USDC", "327.38", "317.14", "-10.24", "-0.031279",
                "337.99", "300.01", "65.823", "21584.32278", "245"));
    }

    @Test
    void aQuietMarketShowsItsLastPriceAndNoChange() {
        TickerResponse quiet = TickerResponse.of("SOL_USDC", 0, null, new BigDecimal("150.50"), null, null,
                null, null);
        assertThat(quiet).isEqualTo(new TickerResponse("SOL_USDC", "150.5", "150.5", "0", "0", "150.5", "150.5",
                "0", "0", "0"));
        TickerResponse never = TickerResponse.of("SOL_USDC", 0, null, null, null, null, null, null);
        assertThat(never).isEqualTo(new TickerResponse("SOL_USDC", "0", "0", "0", "0", "0", "0", "0", "0", "0"));
    }

    @Test
    void depthLimitKeepsTheLevelsNearestTheTouch() {
        DepthResponse book = new DepthResponse(
                List.of(List.of("101", "1"), List.of("102", "2"), List.of("103", "3")),
                List.of(List.of("97", "3"), List.of("98", "2"), List.of("99", "1")), "42", 7);
        DepthResponse top = book.limited(2);
        assertThat(top.asks()).containsExactly(List.of("101", "1"), List.of("102", "2"));
        assertThat(top.bids()).containsExactly(List.of("98", "2"), List.of("99", "1"));
        assertThat(top.lastUpdateId()).isEqualTo("42");
        assertThat(book.limited(1000)).isEqualTo(book);
    }
}
