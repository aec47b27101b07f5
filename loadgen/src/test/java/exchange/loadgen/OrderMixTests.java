package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class OrderMixTests {

    private final OrderMix mix = new OrderMix(OrderMix.Weights.DEFAULT, 20, 20, 5, 1, 200);

    @Test
    void theSameSeedGivesTheSameWalkAndTheSameOrders() {
        assertThat(walk(7, 500)).isEqualTo(walk(7, 500)).isNotEqualTo(walk(8, 500));
        assertThat(orders(7, 500)).isEqualTo(orders(7, 500)).isNotEqualTo(orders(8, 500));
    }

    @Test
    void walkMovesAtMostMaxStepAndStaysNearTheBand() {
        PriceWalk walk = new PriceWalk(1, 10_000, 3, 0.01);
        long previous = walk.mid();
        for (int i = 0; i < 100_000; i++) {
            long mid = walk.step();
            assertThat(Math.abs(mid - previous)).isLessThanOrEqualTo(3);
            // The band is 100 ticks; it may overshoot by one step before it turns back.
            assertThat(Math.abs(mid - 10_000)).isLessThanOrEqualTo(103);
            previous = mid;
        }
    }

    @Test
    void walkNeverGoesBelowOneTick() {
        PriceWalk walk = new PriceWalk(3, 2, 5, 10);
        for (int i = 0; i < 10_000; i++) {
            assertThat(walk.step()).isPositive();
        }
    }

    @Test
    void mixFollowsTheWeights() {
        SplittableRandom random = new SplittableRandom(42);
        Map<OrderMix.Action, Integer> counts = new EnumMap<>(OrderMix.Action.class);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts.merge(mix.nextAction(random, 5), 1, Integer::sum);
        }
        assertThat(counts.get(OrderMix.Action.LIMIT) / (double) n).isBetween(0.54, 0.56);
        assertThat(counts.get(OrderMix.Action.LIMIT_CROSS) / (double) n).isBetween(0.14, 0.16);
        assertThat(counts.get(OrderMix.Action.MARKET) / (double) n).isBetween(0.045, 0.055);
        assertThat(counts.get(OrderMix.Action.CANCEL) / (double) n).isBetween(0.14, 0.16);
        assertThat(counts.get(OrderMix.Action.REPLACE) / (double) n).isBetween(0.09, 0.11);
    }

    @Test
    void nothingToCancelMeansAPassiveOrderAndTooManyRestingMeansCancel() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(mix.nextAction(random, 0)).isIn(OrderMix.Action.LIMIT, OrderMix.Action.LIMIT_CROSS,
                    OrderMix.Action.MARKET);
            assertThat(mix.nextAction(random, 20)).isEqualTo(OrderMix.Action.CANCEL);
        }
    }

    @Test
    void passiveOrdersRestAwayFromTheMidAndCrossingOnesArePricedThroughIt() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            OrderMix.Order passive = mix.newOrder(random, OrderMix.Action.LIMIT, 10_000);
            OrderMix.Order crossing = mix.newOrder(random, OrderMix.Action.LIMIT_CROSS, 10_000);
            OrderMix.Order market = mix.newOrder(random, OrderMix.Action.MARKET, 10_000);
            if (passive.side().equals("Bid")) {
                assertThat(passive.priceTicks()).isBetween(9_980L, 9_999L);
            } else {
                assertThat(passive.priceTicks()).isBetween(10_001L, 10_020L);
            }
            assertThat(passive.restsIfUnfilled()).isTrue();
            if (crossing.side().equals("Bid")) {
                assertThat(crossing.priceTicks()).isBetween(10_001L, 10_005L);
            } else {
                assertThat(crossing.priceTicks()).isBetween(9_995L, 9_999L);
            }
            assertThat(crossing.timeInForce()).isIn("IOC", "GTC");
            assertThat(market.orderType()).isEqualTo("Market");
            assertThat(market.priceTicks()).isZero();
            for (OrderMix.Order o : List.of(passive, crossing, market)) {
                assertThat(o.quantitySteps()).isBetween(1L, 200L);
            }
        }
    }

    @Test
    void replaceKeepsTheSideOfTheOrderItReplaces() {
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 1000; i++) {
            assertThat(mix.newOrder(random, OrderMix.Action.REPLACE, 500, "Ask").side()).isEqualTo("Ask");
        }
    }

    @Test
    void aTraderAtItsLimitCancelsItsOldestOrderFirst() {
        TraderAccount account = new TraderAccount(0, 1001, Ed25519Signer.generate(new SecureRandom()), 1);
        OrderMix small = new OrderMix(OrderMix.Weights.DEFAULT, 2, 20, 5, 1, 10);
        account.resting(11, "Bid");
        account.resting(12, "Ask");

        TraderAccount.Step step = account.plan(small, 10_000);

        assertThat(step.action()).isEqualTo(OrderMix.Action.CANCEL);
        assertThat(step.cancel().orderId()).isEqualTo(11);
        assertThat(account.restingCount()).isEqualTo(1);
    }

    @Test
    void marketWritesGridUnitsAsPlainDecimals() {
        Market market = new Market("SOL_USDC", "SOL", "USDC", new BigDecimal("0.01"),
                new BigDecimal("0.01"), new BigDecimal("0.05"));
        assertThat(market.price(10_025)).isEqualTo("100.25");
        assertThat(market.price(10_000)).isEqualTo("100");
        assertThat(market.quantity(150)).isEqualTo("1.5");
        assertThat(market.minSteps()).isEqualTo(5);
        assertThat(market.ticks(new BigDecimal("100.259"))).isEqualTo(10_025);
    }

    private static List<Long> walk(long seed, int steps) {
        PriceWalk walk = new PriceWalk(seed, 10_000, 2, 0.05);
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            mids.add(walk.step());
        }
        return mids;
    }

    private List<String> orders(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OrderMix.Action action = mix.nextAction(random, i % 21);
            out.add(action + (action == OrderMix.Action.CANCEL ? ""
                    : " " + mix.newOrder(random, action, 10_000, "Bid")));
        }
        return out;
    }
}
