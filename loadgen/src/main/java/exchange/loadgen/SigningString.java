package exchange.loadgen;

import java.util.Map;
import java.util.TreeMap;

/**
 * The string a Backpack client signs: {@code instruction=<i>&<params sorted by key>&timestamp=<t>&window=<w>}.
 * Values are written as the server reads them back from the JSON body (or query string): strings as they are,
 * numbers in decimal, booleans as {@code true}/{@code false}; null values are left out, as the server ignores
 * JSON nulls. A private-stream subscription signs {@code instruction=subscribe} with no parameters.
 */
final class SigningString {

    private SigningString() {
    }

    static String of(String instruction, Map<String, ?> params, long timestamp, long window) {
        StringBuilder out = new StringBuilder(64 + params.size() * 24);
        out.append("instruction=").append(instruction);
        for (Map.Entry<String, ?> entry : new TreeMap<>(params).entrySet()) {
            if (entry.getValue() != null) {
                out.append('&').append(entry.getKey()).append('=').append(entry.getValue());
            }
        }
        return out.append("&timestamp=").append(timestamp).append("&window=").append(window).toString();
    }

    static String subscribe(long timestamp, long window) {
        return of("subscribe", Map.of(), timestamp, window);
    }
}
