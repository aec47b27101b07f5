package exchange.loadgen;

import java.util.SplittableRandom;

/**
 * What a trader does next, as a pure function of its random source, the mid and how many orders it has resting:
 * mostly passive limit orders a few ticks from the mid on either side, some limits priced through the mid
 * (marketable; IOC or GTC), some market orders, cancels of its own oldest resting order and replaces (cancel
 * the newest resting order, place a fresh passive one on the same side). A trader at its resting limit
 * cancels its oldest order first, so locked funds stay bounded. Deterministic for a given seed.
 */
final class OrderMix {

    enum Action { LIMIT, LIMIT_CROSS, MARKET, CANCEL, REPLACE }

    /** Relative weights of the actions; zero disables one. */
    record Weights(int limit, int cross, int market, int cancel, int replace) {

        static final Weights DEFAULT = new Weights(55, 15, 5, 15, 10);

        int total() {
            return limit + cross + market + cancel + replace;
        }
    }

    /**
     * A new order in grid units. {@code priceTicks} is 0 for market orders.
     *
     * @param side        {@code Bid} or {@code Ask}
     * @param orderType   {@code Limit} or {@code Market}
     * @param timeInForce {@code GTC} or {@code IOC}
     */
    record Order(String side, String orderType, long priceTicks, long quantitySteps, String timeInForce) {

        boolean restsIfUnfilled() {
            return orderType.equals("Limit") && timeInForce.equals("GTC");
        }
    }

    private final Weights weights;
    private final int maxResting;
    private final int passiveDepthTicks;
    private final int crossTicks;
    private final long minSteps;
    private final long maxSteps;

    /**
     * @param maxResting        resting orders per trader before the oldest must be cancelled
     * @param passiveDepthTicks passive orders rest 1..this many ticks away from the mid
     * @param crossTicks        marketable limits are priced 1..this many ticks through the mid
     * @param minSteps          smallest order quantity in steps (the market minimum)
     * @param maxSteps          largest order quantity in steps
     */
    OrderMix(Weights weights, int maxResting, int passiveDepthTicks, int crossTicks, long minSteps, long maxSteps) {
        if (weights.total() <= 0 || maxResting < 1 || passiveDepthTicks < 1 || crossTicks < 1 || minSteps < 1
                || maxSteps < minSteps) {
            throw new IllegalArgumentException("Invalid order mix");
        }
        this.weights = weights;
        this.maxResting = maxResting;
        this.passiveDepthTicks = passiveDepthTicks;
        this.crossTicks = crossTicks;
        this.minSteps = minSteps;
        this.maxSteps = maxSteps;
    }

    Action nextAction(SplittableRandom random, int resting) {
        if (resting >= maxResting) {
            return Action.CANCEL;
        }
        int pick = random.nextInt(weights.total());
        Action action;
        if ((pick -= weights.limit()) < 0) {
            action = Action.LIMIT;
        } else if ((pick -= weights.cross()) < 0) {
            action = Action.LIMIT_CROSS;
        } else if ((pick -= weights.market()) < 0) {
            action = Action.MARKET;
        } else if ((pick -= weights.cancel()) < 0) {
            action = Action.CANCEL;
        } else {
            action = Action.REPLACE;
        }
        if ((action == Action.CANCEL || action == Action.REPLACE) && resting == 0) {
            return Action.LIMIT;
        }
        return action;
    }

    /** The order of a LIMIT, LIMIT_CROSS or MARKET action, on a random side. */
    Order newOrder(SplittableRandom random, Action action, long midTicks) {
        return newOrder(random, action, midTicks, random.nextBoolean() ? "Bid" : "Ask");
    }

    /** The order of a LIMIT, LIMIT_CROSS or MARKET action on the given side (a replace keeps its side). */
    Order newOrder(SplittableRandom random, Action action, long midTicks, String side) {
        boolean bid = side.equals("Bid");
        long quantity = random.nextLong(minSteps, maxSteps + 1);
        return switch (action) {
            case LIMIT, REPLACE -> {
                long away = 1 + random.nextInt(passiveDepthTicks);
                yield new Order(side, "Limit", Math.max(1, bid ? midTicks - away : midTicks + away), quantity, "GTC");
            }
            case LIMIT_CROSS -> {
                long through = 1 + random.nextInt(crossTicks);
                String tif = random.nextBoolean() ? "IOC" : "GTC";
                yield new Order(side, "Limit", Math.max(1, bid ? midTicks + through : midTicks - through), quantity,
                        tif);
            }
            case MARKET -> new Order(side, "Market", 0, quantity, "IOC");
            case CANCEL -> throw new IllegalArgumentException("A cancel places no order");
        };
    }
}
