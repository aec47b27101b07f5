package exchange.common.engine;

import java.util.List;

/**
 * Everything needed to rebuild a {@link MatchingEngine} that continues exactly like the original: what a
 * database holds. Produced by {@link MatchingEngine#snapshot()}, consumed by
 * {@link MatchingEngine#restore}. Immutable; lists are unmodifiable and deterministically ordered, so
 * two equal engines give equal snapshots.
 *
 * @param assets in creation order
 * @param markets in creation order
 * @param balances non-zero balances, by account id then asset creation order
 * @param nextOrderId id the next accepted order gets
 * @param nextTradeId id the next trade gets
 * @param nextSequence sequence number of the next event
 * @param lastCommandId id of the last applied command (0 before any)
 */
public record EngineState(List<AssetState> assets, List<MarketState> markets, List<BalanceState> balances,
        long nextOrderId, long nextTradeId, long nextSequence, long lastCommandId) {

    /** Canonicalises the lists to unmodifiable copies. */
    public EngineState {
        assets = List.copyOf(assets);
        markets = List.copyOf(markets);
        balances = List.copyOf(balances);
    }

    /** An asset and its decimals. */
    public record AssetState(String asset, int decimals) {
    }

    /**
     * A market with its open orders in priority order (best price first, then oldest first).
     *
     * @param depthUpdateId the last depth update id published (0 before any)
     */
    public record MarketState(MarketSpec spec, MarketStatus status, long depthUpdateId, List<OrderSnapshot> bids,
            List<OrderSnapshot> asks) {

        /** Canonicalises the lists to unmodifiable copies. */
        public MarketState {
            bids = List.copyOf(bids);
            asks = List.copyOf(asks);
        }
    }

    /** One account's balance in one asset, in asset units. */
    public record BalanceState(long accountId, String asset, long available, long locked) {
    }
}
