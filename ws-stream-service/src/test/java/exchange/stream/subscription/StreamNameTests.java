package exchange.stream.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import exchange.stream.fanout.Route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamNameTests {

    @ParameterizedTest
    @ValueSource(strings = {"depth.SOL_USDC", "trade.SOL_USDC", "ticker.BTC_USDC", "bookTicker.SOL_USDC",
            "kline.1m.SOL_USDC", "kline.1month.SOL_USDC", "kline.15m.SOL_USDC"})
    void publicStreamsAreForwardedFromTheChannelOfTheSameName(String name) {
        StreamName stream = StreamName.parse(name).orElseThrow();
        assertThat(stream.kind()).isEqualTo(StreamName.Kind.PUBLIC);
        assertThat(stream.route(null)).isEqualTo(Route.direct(name));
    }

    @Test
    void aggregatedDepthReadsTheRawDepthChannel() {
        StreamName stream = StreamName.parse("depth.600ms.SOL_USDC").orElseThrow();
        assertThat(stream.route(null))
                .isEqualTo(Route.aggregated("depth.600ms.SOL_USDC", "depth.SOL_USDC", Duration.ofMillis(600)));
    }

    @Test
    void privateStreamsReadTheAccountsChannel() {
        assertThat(StreamName.parse("account.orderUpdate").orElseThrow().route(7L))
                .isEqualTo(Route.direct("account.orderUpdate#7"));
        StreamName perMarket = StreamName.parse("account.orderUpdate.SOL_USDC").orElseThrow();
        assertThat(perMarket.isPrivate()).isTrue();
        assertThat(perMarket.symbol()).isEqualTo("SOL_USDC");
        assertThat(perMarket.route(7L)).isEqualTo(Route.direct("account.orderUpdate.SOL_USDC#7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "depth", "depth.", "depth.sol_usdc", "depth.SOL", "depth.SOL_USDC.extra",
            "depth.100ms.SOL_USDC", "kline.2m.SOL_USDC", "kline.1s.SOL_USDC", "kline.SOL_USDC", "trades.SOL_USDC",
            "account.orderUpdate.SOL_USDC#2", "account.orderUpdate.", "account.positionUpdate",
            "trade.SOL_USDC#1", "markPrice.SOL_USDC"})
    void everythingElseIsUnknown(String name) {
        assertThat(StreamName.parse(name)).isEmpty();
    }
}
