package exchange.router.auth;

import java.util.Map;

/**
 * Which Backpack instruction a signed endpoint requires; the same table ccxt's backpack adapter signs with.
 * An endpoint absent here is public.
 */
final class Instructions {

    static final String BATCH_ORDERS = "POST /api/v1/orders";

    private static final Map<String, String> BY_ENDPOINT = Map.ofEntries(
            Map.entry("GET /api/v1/account", "accountQuery"),
            Map.entry("GET /api/v1/capital", "balanceQuery"),
            Map.entry("GET /api/v1/order", "orderQuery"),
            Map.entry("POST /api/v1/order", "orderExecute"),
            Map.entry("DELETE /api/v1/order", "orderCancel"),
            Map.entry("GET /api/v1/orders", "orderQueryAll"),
            Map.entry(BATCH_ORDERS, "orderExecute"),
            Map.entry("DELETE /api/v1/orders", "orderCancelAll"),
            Map.entry("GET /wapi/v1/history/orders", "orderHistoryQueryAll"),
            Map.entry("GET /wapi/v1/history/fills", "fillHistoryQueryAll"),
            Map.entry("GET /wapi/v1/capital/deposits", "depositQueryAll"),
            Map.entry("GET /wapi/v1/capital/withdrawals", "withdrawalQueryAll"));

    private Instructions() {
    }

    /** The instruction for {@code method path}, or null for a public endpoint. */
    static String of(String method, String path) {
        // Spring serves HEAD with the GET handler, so it needs the same signature.
        return BY_ENDPOINT.get(("HEAD".equals(method) ? "GET" : method) + " " + path);
    }
}
