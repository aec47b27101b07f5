package exchange.router.order;

/** Body of {@code DELETE /api/v1/order} (one of orderId, clientId) and {@code DELETE /api/v1/orders}. */
record CancelRequest(String symbol, String orderId, Long clientId) {
}
