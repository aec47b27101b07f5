package exchange.router.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class SigningStringTests {

    @Test
    void singleRequestMatchesTheSpecExample() {
        SortedMap<String, String> body = new TreeMap<>();
        body.put("symbol", "BTC_USDT");
        body.put("orderId", "28");
        assertThat(SigningString.of("orderCancel", body, 1614550000000L, 5000, false))
                .isEqualTo("instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000");
    }

    @Test
    void batchMatchesTheSpecExample() {
        SortedMap<String, String> first = new TreeMap<>();
        first.put("symbol", "SOL_USDC_PERP");
        first.put("side", "Bid");
        first.put("orderType", "Limit");
        first.put("price", "141");
        first.put("quantity", "12");
        SortedMap<String, String> second = new TreeMap<>(first);
        second.put("price", "140");
        second.put("quantity", "11");
        assertThat(SigningString.ofBatch("orderExecute", List.of(first, second), 1750793021519L, 5000, false))
                .isEqualTo("instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid&symbol=SOL_USDC_PERP"
                        + "&instruction=orderExecute&orderType=Limit&price=140&quantity=11&side=Bid&symbol=SOL_USDC_PERP"
                        + "&timestamp=1750793021519&window=5000");
    }

    @Test
    void noParametersSignsOnlyTimestampAndWindow() {
        assertThat(SigningString.of("balanceQuery", new TreeMap<>(), 1, 5000, false))
                .isEqualTo("instruction=balanceQuery&timestamp=1&window=5000");
    }

    @Test
    void urlEncodedFormEncodesValuesAsEncodeUriComponentDoes() {
        SortedMap<String, String> params = new TreeMap<>();
        params.put("clientId", "a b&c");
        assertThat(SigningString.of("orderQuery", params, 1, 5000, true))
                .isEqualTo("instruction=orderQuery&clientId=a%20b%26c&timestamp=1&window=5000");
    }
}
