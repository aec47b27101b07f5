package exchange.router.order;

import java.util.Set;

import exchange.common.money.AmountException;
import exchange.router.engine.MarketCatalog;
import exchange.router.engine.MarketUnits;
import exchange.router.engine.StreamCommand;
import exchange.router.system.ApiException;

import org.springframework.stereotype.Component;

/**
 * Pre-validates order entry on the router, so the engine only ever sees well-formed commands in its own units:
 * enums, required and forbidden fields per order type, and exact decimal conversion (off-tick, off-step,
 * too precise, zero, negative and overflowing values are rejected, never rounded). Business rules (funds,
 * minimum quantity, post-only, halted market) stay with the engine.
 */
@Component
class OrderValidator {

    private static final long MAX_CLIENT_ID = 4_294_967_295L;
    private static final Set<String> SIDES = Set.of("Bid", "Ask");
    private static final Set<String> TYPES = Set.of("Limit", "Market");
    private static final Set<String> TIME_IN_FORCE = Set.of("GTC", "IOC", "FOK");
    private static final Set<String> STP = Set.of("RejectTaker", "RejectMaker", "RejectBoth");

    private final MarketCatalog catalog;

    OrderValidator(MarketCatalog catalog) {
        this.catalog = catalog;
    }

    StreamCommand place(long accountId, OrderRequest r) {
        if (r == null) {
            throw invalid("Missing order");
        }
        MarketUnits market = market(r.symbol());
        String side = oneOf("side", r.side(), SIDES, null);
        String type = oneOf("orderType", r.orderType(), TYPES, null);
        boolean limit = type.equals("Limit");
        String tif = oneOf("timeInForce", r.timeInForce(), TIME_IN_FORCE, limit ? "GTC" : "IOC");
        String stp = oneOf("selfTradePrevention", r.selfTradePrevention(), STP, "RejectTaker");
        boolean postOnly = Boolean.TRUE.equals(r.postOnly());
        long clientId = clientId(r.clientId());
        long price = 0;
        long quantity = 0;
        long quoteQuantity = 0;
        if (limit) {
            price = price(market, required("price", r.price()));
            quantity = quantity(market, required("quantity", r.quantity()));
            if (r.quoteQuantity() != null) {
                throw invalid("quoteQuantity is only for market orders");
            }
            if (postOnly && !tif.equals("GTC")) {
                throw invalid("A post-only order must be GTC");
            }
        } else {
            if (r.price() != null) {
                throw ApiException.badRequest("INVALID_PRICE", "A market order takes no price");
            }
            if (postOnly) {
                throw invalid("A market order cannot be post-only");
            }
            if ((r.quantity() == null) == (r.quoteQuantity() == null)) {
                throw invalid("A market order needs exactly one of quantity and quoteQuantity");
            }
            if (r.quantity() != null) {
                quantity = quantity(market, r.quantity());
            } else {
                try {
                    quoteQuantity = market.quoteUnits(r.quoteQuantity());
                } catch (AmountException e) {
                    throw ApiException.badRequest("INVALID_QUANTITY", "Invalid quoteQuantity: " + e.getMessage());
                }
            }
        }
        return StreamCommand.place(accountId, market.symbol(), side, type, price, quantity, quoteQuantity, tif,
                postOnly, stp, clientId);
    }

    StreamCommand cancel(long accountId, CancelRequest r) {
        if (r == null) {
            throw invalid("Missing body");
        }
        MarketUnits market = market(r.symbol());
        if ((r.orderId() == null) == (r.clientId() == null)) {
            throw invalid("Give exactly one of orderId and clientId");
        }
        long orderId = 0;
        if (r.orderId() != null) {
            try {
                orderId = Long.parseLong(r.orderId());
            } catch (NumberFormatException e) {
                throw invalid("orderId must be a number");
            }
            if (orderId <= 0) {
                throw invalid("orderId must be positive");
            }
        }
        return StreamCommand.cancel(accountId, market.symbol(), orderId,
                r.clientId() == null ? StreamCommand.NO_CLIENT_ID : clientId(r.clientId()));
    }

    StreamCommand cancelAll(long accountId, CancelRequest r) {
        String symbol = r == null ? null : r.symbol();
        return StreamCommand.cancelAll(accountId, symbol == null ? null : market(symbol).symbol());
    }

    private MarketUnits market(String symbol) {
        if (symbol == null || symbol.isBlank()) {
            throw invalid("Missing symbol");
        }
        return catalog.market(symbol)
                .orElseThrow(() -> ApiException.badRequest("INVALID_MARKET", "Unknown market: " + symbol));
    }

    private static long price(MarketUnits market, String price) {
        try {
            return market.priceTicks(price);
        } catch (AmountException e) {
            throw ApiException.badRequest("INVALID_PRICE", "Invalid price " + price + ": " + e.getMessage());
        }
    }

    private static long quantity(MarketUnits market, String quantity) {
        try {
            return market.quantitySteps(quantity);
        } catch (AmountException e) {
            throw ApiException.badRequest("INVALID_QUANTITY", "Invalid quantity " + quantity + ": " + e.getMessage());
        }
    }

    private static long clientId(Long clientId) {
        if (clientId == null) {
            return StreamCommand.NO_CLIENT_ID;
        }
        if (clientId < 0 || clientId > MAX_CLIENT_ID) {
            throw invalid("clientId must be an unsigned 32-bit integer");
        }
        return clientId;
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw invalid("Missing " + field);
        }
        return value;
    }

    private static String oneOf(String field, String value, Set<String> allowed, String fallback) {
        if (value == null) {
            if (fallback == null) {
                throw invalid("Missing " + field);
            }
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw invalid("Invalid " + field + ": " + value);
        }
        return value;
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("INVALID_CLIENT_REQUEST", message);
    }
}
