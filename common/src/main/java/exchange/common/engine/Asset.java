package exchange.common.engine;

/** Engine-internal asset handle. */
record Asset(String name, int decimals, int index) {
}
