package exchange.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;

/**
 * Carries out one trader action against the REST API and records it: the acknowledgement latency per kind from
 * the action's (intended) start to its last answer, every answer other than 200 as a counted outcome (business
 * rejects such as {@code INSUFFICIENT_FUNDS} or a cancel that finds the order already filled are normal), each
 * acknowledged order's state in the {@link OrderTracker}, and resting orders back on the account's list.
 * Thread-safe.
 */
final class Trading {

    /** The measured window: actions whose (intended) start falls inside it are recorded. */
    static final class Window {
        private volatile long start = Long.MAX_VALUE;
        private volatile long end = Long.MAX_VALUE;

        void open(long startNanos) {
            start = startNanos;
        }

        void close(long endNanos) {
            end = endNanos;
        }

        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }

        long startNanos() {
            return start;
        }
    }

    private final ExchangeClient client;
    private final Market market;
    private final OrderMix mix;
    private final PriceWalk walk;
    private final OrderTracker tracker;
    private final Stats stats;
    private final Window window;
    private final LongAdder completed = new LongAdder();

    Trading(ExchangeClient client, Market market, OrderMix mix, PriceWalk walk, OrderTracker tracker, Stats stats,
            Window window) {
        this.client = client;
        this.market = market;
        this.mix = mix;
        this.walk = walk;
        this.tracker = tracker;
        this.stats = stats;
        this.window = window;
    }

    /**
     * Plans and performs the account's next action.
     *
     * @param startNanos when the action was meant to start ({@link System#nanoTime}); in the open loop the
     *                   scheduled time, so queueing in front of the request counts as latency
     */
    void act(TraderAccount account, long startNanos) {
        TraderAccount.Step step = account.plan(mix, walk.mid());
        boolean recorded = window.contains(startNanos);
        boolean succeeded;
        Stats.Kind kind;
        switch (step.action()) {
            case CANCEL -> {
                kind = Stats.Kind.CANCEL;
                succeeded = cancel(account, step.cancel(), "cancel", recorded);
            }
            case REPLACE -> {
                kind = Stats.Kind.REPLACE;
                // The new order goes in whether or not the old one was still there (it may have filled).
                cancel(account, step.cancel(), "replace/cancel", recorded);
                succeeded = place(account, step.order(), step.clientId(), "replace/new", recorded);
            }
            case LIMIT -> {
                kind = Stats.Kind.LIMIT;
                succeeded = place(account, step.order(), step.clientId(), "limit", recorded);
            }
            case LIMIT_CROSS -> {
                kind = Stats.Kind.LIMIT_CROSS;
                succeeded = place(account, step.order(), step.clientId(), "limit_cross", recorded);
            }
            case MARKET -> {
                kind = Stats.Kind.MARKET;
                succeeded = place(account, step.order(), step.clientId(), "market", recorded);
            }
            default -> throw new IllegalStateException(step.action().name());
        }
        if (recorded) {
            stats.action(kind, System.nanoTime() - startNanos, succeeded);
        }
        completed.increment();
    }

    /** Actions finished so far, warm-up included (for progress lines). */
    long completed() {
        return completed.sum();
    }

    private boolean place(TraderAccount account, OrderMix.Order order, long clientId, String step, boolean recorded) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("symbol", market.symbol());
        params.put("side", order.side());
        params.put("orderType", order.orderType());
        if (order.orderType().equals("Limit")) {
            params.put("price", market.price(order.priceTicks()));
        }
        params.put("quantity", market.quantity(order.quantitySteps()));
        params.put("timeInForce", order.timeInForce());
        params.put("clientId", clientId);
        ExchangeClient.Response response = client.signed(account.key, "POST", "/api/v1/order", "orderExecute",
                params);
        if (recorded) {
            stats.httpRequest();
        }
        if (!response.ok()) {
            if (recorded) {
                stats.outcome(step, response.status(), response.code());
            }
            return false;
        }
        JsonNode body = response.json();
        long orderId = Json.longOf(body.get("id"), -1);
        String status = Json.textOf(body.get("status"));
        tracker.observe(orderId, account.accountId, status, Json.decimalOf(body.get("executedQuantity")));
        if (order.restsIfUnfilled() && ("New".equals(status) || "PartiallyFilled".equals(status))) {
            account.resting(orderId, order.side());
        }
        if (recorded) {
            stats.orderAccepted();
        }
        return true;
    }

    private boolean cancel(TraderAccount account, TraderAccount.Resting order, String step, boolean recorded) {
        tracker.cancelRequested(order.orderId());
        ExchangeClient.Response response = client.signed(account.key, "DELETE", "/api/v1/order", "orderCancel",
                Map.of("symbol", market.symbol(), "orderId", Long.toString(order.orderId())));
        if (recorded) {
            stats.httpRequest();
        }
        if (response.ok()) {
            JsonNode body = response.json();
            tracker.observe(order.orderId(), account.accountId, Json.textOf(body.get("status")),
                    Json.decimalOf(body.get("executedQuantity")));
            return true;
        }
        if (response.status() == 404) {
            tracker.goneOnCancel(order.orderId());
        }
        if (recorded) {
            stats.outcome(step, response.status(), response.code());
        }
        // Not found means it filled meanwhile: the trader got what it wanted, but it is counted apart from a 200.
        return false;
    }
}
