package exchange.router.marketdata;

import java.util.List;

/**
 * Backpack's {@code MarketAsset}. This platform credits funds through the operator API rather than on-chain
 * deposits, so no blockchain tokens are listed.
 */
record AssetResponse(String symbol, String displayName, List<Object> tokens) {

    static AssetResponse of(AssetRow row) {
        return new AssetResponse(row.symbol(), row.displayName(), List.of());
    }
}
