package exchange.router.order;

/**
 * Backpack's {@code OrderExecutePayload}, the fields this exchange acts on; spot-margin and futures flags
 * (autoLend, reduceOnly, ...) are accepted and ignored.
 */
record OrderRequest(
        String symbol,
        String side,
        String orderType,
        String price,
        String quantity,
        String quoteQuantity,
        String timeInForce,
        Boolean postOnly,
        String selfTradePrevention,
        Long clientId) {
}
