package exchange.router.marketdata;

import java.util.List;

/**
 * Backpack's {@code Depth}: price levels as {@code [price, quantity]} string pairs, asks and bids both in
 * ascending price order (as Backpack's REST depth sends them: the best ask first, the best bid last),
 * {@code lastUpdateId} as a string and {@code timestamp} in microseconds.
 */
record DepthResponse(List<List<String>> asks, List<List<String>> bids, String lastUpdateId, long timestamp) {

    /** The {@code limit} levels nearest the touch on each side: the lowest asks and the highest bids. */
    DepthResponse limited(int limit) {
        List<List<String>> nearestAsks = asks.size() <= limit ? asks : asks.subList(0, limit);
        List<List<String>> nearestBids = bids.size() <= limit ? bids : bids.subList(bids.size() - limit, bids.size());
        return new DepthResponse(nearestAsks, nearestBids, lastUpdateId, timestamp);
    }
}
