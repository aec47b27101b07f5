package exchange.stream.connection;

/**
 * Token bucket for one connection's inbound frames: {@code ratePerSecond} tokens per second, burst of twice that.
 * Only the connection's inbound thread calls it (Tomcat delivers one frame at a time per session).
 */
final class FrameRateLimiter {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    FrameRateLimiter(int ratePerSecond) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, 2.0 * ratePerSecond);
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
