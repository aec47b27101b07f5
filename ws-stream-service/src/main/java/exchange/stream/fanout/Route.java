package exchange.stream.fanout;

import java.time.Duration;

/**
 * Where a client subscription's messages come from.
 *
 * @param key the fan-out topic: equal to {@code channel} for streams forwarded as published, the aggregated
 *     stream name for aggregated depth
 * @param channel the Redis channel read
 * @param window the aggregation window, or null when messages are forwarded unchanged
 */
public record Route(String key, String channel, Duration window) {

    public static Route direct(String channel) {
        return new Route(channel, channel, null);
    }

    public static Route aggregated(String streamName, String depthChannel, Duration window) {
        return new Route(streamName, depthChannel, window);
    }
}
