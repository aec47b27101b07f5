package exchange.router.order;

import java.util.List;

import exchange.router.auth.AuthenticatedAccount;
import exchange.router.history.OrderReadRepository;
import exchange.router.history.OrderRow;
import exchange.router.system.ApiException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed open-order reads: one open order ({@code GET /api/v1/order}) and all open orders
 * ({@code GET /api/v1/orders}) of the signing account, from PostgreSQL by any replica. As on Backpack, an
 * order that is filled, cancelled or expired is no longer "open" and is found in the order history instead.
 */
@RestController
class OrderQueryController {

    private static final long MAX_CLIENT_ID = 4_294_967_295L;

    private final OrderReadRepository orders;

    OrderQueryController(OrderReadRepository orders) {
        this.orders = orders;
    }

    /**
     * The open order with {@code orderId} or {@code clientId} (exactly one of them) in {@code symbol}. Another
     * account's order is answered exactly like a missing one, so ids reveal nothing.
     */
    @GetMapping("/api/v1/order")
    OrderResponse order(AuthenticatedAccount account, @RequestParam String symbol,
            @RequestParam(required = false) String orderId, @RequestParam(required = false) Long clientId) {
        if ((orderId == null) == (clientId == null)) {
            throw invalid("Specify exactly one of orderId and clientId");
        }
        OrderRow row;
        if (orderId != null) {
            row = orders.findByIdForAccount(account.accountId(), parseOrderId(orderId))
                    .filter(order -> order.symbol().equals(symbol) && isOpen(order))
                    .orElse(null);
        } else {
            if (clientId < 0 || clientId > MAX_CLIENT_ID) {
                throw invalid("clientId must be between 0 and " + MAX_CLIENT_ID);
            }
            row = orders.findOpenByClientId(account.accountId(), symbol, clientId).orElse(null);
        }
        if (row == null) {
            if (!orders.marketExists(symbol)) {
                throw ApiException.badRequest("INVALID_SYMBOL", "Market not found: " + symbol);
            }
            throw ApiException.notFound("Order not found");
        }
        return row.toResponse();
    }

    /** The account's open orders, newest first, in every market or in {@code symbol}. */
    @GetMapping("/api/v1/orders")
    List<OrderResponse> openOrders(AuthenticatedAccount account, @RequestParam(required = false) String symbol) {
        if (symbol != null && !orders.marketExists(symbol)) {
            throw ApiException.badRequest("INVALID_SYMBOL", "Market not found: " + symbol);
        }
        List<OrderRow> rows = symbol == null ? orders.findOpen(account.accountId())
                : orders.findOpenBySymbol(account.accountId(), symbol);
        return rows.stream().map(OrderRow::toResponse).toList();
    }

    private static boolean isOpen(OrderRow order) {
        return order.status().equals("New") || order.status().equals("PartiallyFilled");
    }

    private static long parseOrderId(String orderId) {
        try {
            return Long.parseLong(orderId);
        } catch (NumberFormatException e) {
            throw invalid("orderId must be a number");
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("INVALID_CLIENT_REQUEST", message);
    }
}
