package exchange.stream;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits and timings of the stream service ({@code exchange.stream.*}); each bound names what happens when it is
 * hit, see docs/STREAMS.md.
 *
 * @param maxFrameBytes largest inbound text frame; a bigger one closes the connection with 1009 (Tomcat)
 * @param maxSubscriptions streams per connection; more gets an error frame and no subscription
 * @param maxConnections connections per replica; the next one is closed with 1013 right after the handshake
 * @param framesPerSecond inbound frames per connection per second (token bucket, burst = twice the rate); a frame
 *     over the rate gets an error frame and is otherwise ignored
 * @param outboundBufferMessages messages queued per connection; overflow disconnects the client with 1008
 * @param outboundBufferBytes characters queued per connection; overflow disconnects the client with 1008
 * @param sendTimeLimit how long one write may wait for a client's TCP window; longer disconnects with 1008
 * @param pingInterval server ping period
 * @param pongTimeout a connection without a pong (or any frame) for this long is closed with 1008
 * @param shutdownGrace after the Close frames on shutdown, how long to wait for clients to close
 * @param apiKeyCacheTtl how long a key lookup is trusted (revocation applies to new subscriptions after this)
 * @param apiKeyCacheSize bound of the key cache; when full, expired entries go first, then everything
 * @param marketRefresh how often the market list is reloaded from PostgreSQL
 * @param fanoutThreads threads writing to subscribers (connections are split between them); 0 = one per CPU
 * @param fanoutQueue messages waiting per fan-out thread; when full, the Redis listener waits (Redis then buffers,
 *     and past its pub/sub output limit disconnects this replica, which reconnects and re-subscribes)
 * @param fanoutWindow shortest time between two writes of a connection by its fan-out thread (unless that thread
 *     is behind): under a steady flow each connection gets at most one write per window, carrying the window's
 *     messages; after a quiet spell a message goes out at once. 0 = write as soon as a connection's turn comes
 *     (lowest latency, most system calls)
 */
@ConfigurationProperties("exchange.stream")
public record StreamProperties(
        @DefaultValue("4096") int maxFrameBytes,
        @DefaultValue("100") int maxSubscriptions,
        @DefaultValue("10000") int maxConnections,
        @DefaultValue("10") int framesPerSecond,
        @DefaultValue("2048") int outboundBufferMessages,
        @DefaultValue("1048576") long outboundBufferBytes,
        @DefaultValue("5s") Duration sendTimeLimit,
        @DefaultValue("60s") Duration pingInterval,
        @DefaultValue("120s") Duration pongTimeout,
        @DefaultValue("30s") Duration shutdownGrace,
        @DefaultValue("30s") Duration apiKeyCacheTtl,
        @DefaultValue("10000") int apiKeyCacheSize,
        @DefaultValue("30s") Duration marketRefresh,
        @DefaultValue("0") int fanoutThreads,
        @DefaultValue("65536") int fanoutQueue,
        @DefaultValue("20ms") Duration fanoutWindow) {
}
