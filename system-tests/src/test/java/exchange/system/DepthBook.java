package exchange.system;

import java.math.BigDecimal;
import java.util.TreeMap;

/**
 * A client's local order book built from a REST snapshot plus {@code depth} deltas, prices and quantities as the
 * exact decimals the wire carries. Not thread-safe.
 */
final class DepthBook {

    final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
    final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    long lastUpdateId;

    /** A book from the body of {@code GET /api/v1/depth}. */
    static DepthBook parse(String json) {
        DepthBook book = new DepthBook();
        book.lastUpdateId = Long.parseLong(json.replaceAll("(?s).*\"lastUpdateId\":\"?(\\d+)\"?.*", "$1"));
        book.load(book.asks, section(json, "asks"));
        book.load(book.bids, section(json, "bids"));
        return book;
    }

    /**
     * Applies a {@code depth} stream frame as Backpack's documented client does: deltas at or before the book's
     * update id are skipped; on a gap nothing changes and it returns false (the client must re-sync from a REST
     * snapshot). Other frames are ignored.
     */
    boolean apply(String frame) {
        if (!frame.contains("\"depth\"")) {
            return true;
        }
        long first = Long.parseLong(frame.replaceAll("(?s).*\"U\":(\\d+).*", "$1"));
        long last = Long.parseLong(frame.replaceAll("(?s).*\"u\":(\\d+).*", "$1"));
        if (last <= lastUpdateId) {
            return true;
        }
        if (first > lastUpdateId + 1) {
            return false;
        }
        load(asks, section(frame, "a"));
        load(bids, section(frame, "b"));
        lastUpdateId = last;
        return true;
    }

    private void load(TreeMap<BigDecimal, BigDecimal> side, String levels) {
        for (String level : levels.split("\\],\\[")) {
            String clean = level.replace("[", "").replace("]", "").replace("\"", "").trim();
            if (clean.isEmpty()) {
                continue;
            }
            String[] pq = clean.split(",");
            BigDecimal price = new BigDecimal(pq[0]).stripTrailingZeros();
            BigDecimal quantity = new BigDecimal(pq[1]).stripTrailingZeros();
            if (quantity.signum() == 0) {
                side.remove(price);
            } else {
                side.put(price, quantity);
            }
        }
    }

    private static String section(String json, String name) {
        int start = json.indexOf("\"" + name + "\":[");
        if (start < 0) {
            return "";
        }
        int open = json.indexOf('[', start);
        int depth = 0;
        for (int i = open; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return json.substring(open + 1, i);
            }
        }
        return "";
    }
}
