package exchange.common.engine;

/**
 * A market's definition, as given to {@link Command.CreateMarket}. Sizes are decimal strings; the engine
 * validates that tick size is exact in quote decimals, step size in base decimals and tick*step in quote
 * decimals, so that every price*quantity is a whole number of quote units.
 *
 * @param symbol e.g. {@code SOL_USDC}
 * @param baseAsset asset bought by bids, e.g. {@code SOL}
 * @param quoteAsset asset prices are quoted in, e.g. {@code USDC}
 * @param tickSize price increment, e.g. {@code "0.01"}
 * @param stepSize quantity increment, e.g. {@code "0.001"}
 * @param minQuantity smallest order quantity, a multiple of stepSize
 * @param makerFeePpm maker fee in parts per million of the received amount (0..1,000,000)
 * @param takerFeePpm taker fee in parts per million of the received amount (0..1,000,000)
 */
public record MarketSpec(String symbol, String baseAsset, String quoteAsset, String tickSize, String stepSize,
        String minQuantity, int makerFeePpm, int takerFeePpm) {
}
