package exchange.router.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Builds the string a Backpack client signs: {@code instruction=<i>&<params sorted by key>&timestamp=<t>&window=<w>},
 * and for a batch the per-order blocks joined with {@code &} before the timestamp and window.
 */
final class SigningString {

    private SigningString() {
    }

    static String of(String instruction, SortedMap<String, String> params, long timestamp, long window,
            boolean urlEncoded) {
        StringBuilder out = new StringBuilder(64 + params.size() * 24);
        out.append("instruction=").append(instruction);
        appendParams(out, params, urlEncoded);
        return out.append("&timestamp=").append(timestamp).append("&window=").append(window).toString();
    }

    static String ofBatch(String instruction, List<SortedMap<String, String>> orders, long timestamp, long window,
            boolean urlEncoded) {
        StringBuilder out = new StringBuilder(64 + orders.size() * 128);
        for (int i = 0; i < orders.size(); i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append("instruction=").append(instruction);
            appendParams(out, orders.get(i), urlEncoded);
        }
        return out.append("&timestamp=").append(timestamp).append("&window=").append(window).toString();
    }

    private static void appendParams(StringBuilder out, SortedMap<String, String> params, boolean urlEncoded) {
        for (Map.Entry<String, String> entry : params.entrySet()) {
            out.append('&').append(entry.getKey()).append('=')
                    .append(urlEncoded ? encode(entry.getValue()) : entry.getValue());
        }
    }

    /** JavaScript's encodeURIComponent, which is what ccxt applies to values when it signs. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%21", "!").replace("%27", "'")
                .replace("%28", "(").replace("%29", ")").replace("%7E", "~");
    }
}
