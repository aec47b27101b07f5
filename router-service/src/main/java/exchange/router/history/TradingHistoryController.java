package exchange.router.history;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import exchange.router.auth.AuthenticatedAccount;
import exchange.router.marketdata.WireFormat;
import exchange.router.order.OrderResponse;
import exchange.router.system.ApiException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed history of one account: every order it placed ({@code /wapi/v1/history/orders}) and every fill
 * it took part in ({@code /wapi/v1/history/fills}). Served from PostgreSQL by any replica; never shows
 * another account's rows.
 */
@RestController
class TradingHistoryController {

    private static final int MAX_LIMIT = 1000;
    private static final Set<String> FILL_TYPES = Set.of("User", "BookLiquidation", "Adl", "Backstop",
            "Liquidation", "AllLiquidation", "CollateralConversion", "CollateralConversionAndSpotLiquidation");

    private final OrderReadRepository orders;
    private final JdbcClient jdbc;

    TradingHistoryController(OrderReadRepository orders, JdbcClient jdbc) {
        this.orders = orders;
        this.jdbc = jdbc;
    }

    /** The account's orders, newest first unless {@code sortDirection=Asc}. */
    @GetMapping("/wapi/v1/history/orders")
    List<OrderResponse> orders(AuthenticatedAccount account, @RequestParam(required = false) String symbol,
            @RequestParam(required = false) String orderId, @RequestParam(required = false) String strategyId,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "Desc") String sortDirection) {
        checkPage(limit, offset);
        boolean newestFirst = newestFirst(sortDirection);
        checkSymbol(symbol);
        if (strategyId != null) {
            // Strategies do not exist on this platform, so no order belongs to one.
            return List.of();
        }
        List<OrderRow> rows;
        if (orderId != null) {
            rows = orders.findByIdForAccount(account.accountId(), parseOrderId(orderId)).stream()
                    .filter(row -> symbol == null || row.symbol().equals(symbol))
                    .skip(offset).toList();
        } else if (symbol != null) {
            rows = newestFirst ? orders.findHistoryNewestFirst(account.accountId(), symbol, limit, offset)
                    : orders.findHistoryOldestFirst(account.accountId(), symbol, limit, offset);
        } else {
            long window = Math.min(Long.MAX_VALUE - limit, offset) + limit;
            rows = newestFirst ? orders.findAllMarketsHistoryNewestFirst(account.accountId(), limit, offset, window)
                    : orders.findAllMarketsHistoryOldestFirst(account.accountId(), limit, offset, window);
        }
        return rows.stream().map(OrderRow::toResponse).toList();
    }

    record FillRow(long tradeId, String symbol, BigDecimal price, BigDecimal quantity, long orderId,
            boolean isMaker, String side, BigDecimal fee, String feeSymbol, Instant createdAt, Long clientId) {

        FillResponse toResponse() {
            return new FillResponse(clientId == null ? null : Long.toString(clientId), WireFormat.decimal(fee),
                    feeSymbol, isMaker, Long.toString(orderId), WireFormat.decimal(price),
                    WireFormat.decimal(quantity), side, symbol, WireFormat.naiveUtcMillis(createdAt), tradeId);
        }
    }

    /**
     * The account's fills, newest first unless {@code sortDirection=Asc}: one per trade side it was on, with
     * that side's fee. {@code from} and {@code to} are inclusive epoch milliseconds. Indexes:
     * {@code trade_maker_account_idx} and {@code trade_taker_account_idx}, one per branch of the union.
     */
    @GetMapping("/wapi/v1/history/fills")
    List<FillResponse> fills(AuthenticatedAccount account, @RequestParam(required = false) String symbol,
            @RequestParam(required = false) String orderId, @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to, @RequestParam(required = false) String strategyId,
            @RequestParam(defaultValue = "User") String fillType, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "Desc") String sortDirection) {
        checkPage(limit, offset);
        String direction = newestFirst(sortDirection) ? "DESC" : "ASC";
        if (!FILL_TYPES.contains(fillType)) {
            throw invalid("fillType must be one of " + String.join(", ", FILL_TYPES));
        }
        if ((from != null && from < 0) || (to != null && to < 0)) {
            throw invalid("from and to must be epoch milliseconds");
        }
        if (from != null && to != null && from > to) {
            throw invalid("from must not be after to");
        }
        Long order = orderId == null ? null : parseOrderId(orderId);
        checkSymbol(symbol);
        if (strategyId != null || !fillType.equals("User")) {
            // No strategies and no liquidations exist on this spot-only platform: every fill is a user fill.
            return List.of();
        }
        String filters = (symbol == null ? "" : " AND t.symbol = :symbol")
                + (from == null ? "" : " AND t.created_at >= :from")
                + (to == null ? "" : " AND t.created_at <= :to");
        // Each branch is sorted and cut to limit + offset on its own, so it walks its account index and stops
        // early instead of reading every fill of a busy account before the final sort.
        String branchSort = " ORDER BY t.created_at " + direction + ", t.id " + direction;
        String sort = " ORDER BY created_at " + direction + ", trade_id " + direction + ", is_maker DESC";
        String outerSort = " ORDER BY f.created_at " + direction + ", f.trade_id " + direction + ", f.is_maker DESC";
        String sql = "SELECT f.*, o.client_id FROM ("
                + " (SELECT t.id AS trade_id, t.symbol, t.price, t.quantity, t.maker_order_id AS order_id,"
                + " true AS is_maker, CASE t.taker_side WHEN 'Bid' THEN 'Ask' ELSE 'Bid' END AS side,"
                + " t.maker_fee AS fee, t.maker_fee_asset AS fee_symbol, t.created_at"
                + " FROM trade t WHERE t.maker_account_id = :account" + filters
                + (order == null ? "" : " AND t.maker_order_id = :orderId")
                + branchSort + " LIMIT :window)"
                + " UNION ALL"
                + " (SELECT t.id AS trade_id, t.symbol, t.price, t.quantity, t.taker_order_id AS order_id,"
                + " false AS is_maker, t.taker_side AS side, t.taker_fee AS fee, t.taker_fee_asset AS fee_symbol,"
                + " t.created_at"
                + " FROM trade t WHERE t.taker_account_id = :account" + filters
                + (order == null ? "" : " AND t.taker_order_id = :orderId")
                + branchSort + " LIMIT :window)"
                + sort + " LIMIT :limit OFFSET :offset"
                + ") f LEFT JOIN orders o ON o.id = f.order_id"
                + outerSort;
        long window = Math.min(Long.MAX_VALUE - limit, offset) + limit;
        JdbcClient.StatementSpec statement = jdbc.sql(sql).param("account", account.accountId())
                .param("limit", limit).param("offset", offset).param("window", window);
        if (symbol != null) {
            statement = statement.param("symbol", symbol);
        }
        if (from != null) {
            statement = statement.param("from", utc(from));
        }
        if (to != null) {
            statement = statement.param("to", utc(to));
        }
        if (order != null) {
            statement = statement.param("orderId", order);
        }
        return statement.query(FillRow.class).list().stream().map(FillRow::toResponse).toList();
    }

    private void checkSymbol(String symbol) {
        if (symbol != null && !orders.marketExists(symbol)) {
            throw ApiException.badRequest("INVALID_SYMBOL", "Market not found: " + symbol);
        }
    }

    private static void checkPage(int limit, long offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw invalid("offset must not be negative");
        }
    }

    private static boolean newestFirst(String sortDirection) {
        return switch (sortDirection) {
            case "Desc" -> true;
            case "Asc" -> false;
            default -> throw invalid("sortDirection must be Asc or Desc");
        };
    }

    private static long parseOrderId(String orderId) {
        try {
            return Long.parseLong(orderId);
        } catch (NumberFormatException e) {
            throw invalid("orderId must be a number");
        }
    }

    private static OffsetDateTime utc(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("INVALID_CLIENT_REQUEST", message);
    }
}
