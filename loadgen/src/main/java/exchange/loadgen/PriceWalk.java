package exchange.loadgen;

import java.util.SplittableRandom;

/**
 * The traders' shared idea of the fair price: a random walk in whole ticks, reproducible from its seed. Each
 * {@link #step} moves the mid by -maxStep..+maxStep ticks; outside a band around the start it only moves
 * back towards it, so a long run neither drains one side of the accounts' balances nor walks to zero.
 * Thread-safe: one thread steps, any thread reads {@link #mid}.
 */
final class PriceWalk {

    private final SplittableRandom random;
    private final long start;
    private final int maxStep;
    private final long band;
    private volatile long mid;

    /**
     * @param startTicks   the first mid, at least 1
     * @param maxStepTicks the largest move per step
     * @param bandFraction how far (as a fraction of the start) the mid may wander before it is pushed back
     */
    PriceWalk(long seed, long startTicks, int maxStepTicks, double bandFraction) {
        if (startTicks < 1 || maxStepTicks < 0 || bandFraction < 0) {
            throw new IllegalArgumentException("start >= 1 tick, maxStep >= 0, band >= 0");
        }
        this.random = new SplittableRandom(seed);
        this.start = startTicks;
        this.maxStep = maxStepTicks;
        this.band = Math.max(maxStepTicks, (long) Math.floor(startTicks * bandFraction));
        this.mid = startTicks;
    }

    long mid() {
        return mid;
    }

    long start() {
        return start;
    }

    synchronized long step() {
        long delta = random.nextInt(-maxStep, maxStep + 1);
        long current = mid;
        if (current - start > band) {
            delta = -Math.abs(delta);
        } else if (start - current > band) {
            delta = Math.abs(delta);
        }
        mid = Math.max(1, current + delta);
        return mid;
    }
}
