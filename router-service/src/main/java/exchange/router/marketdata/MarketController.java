package exchange.router.marketdata;

import java.time.Duration;
import java.util.List;

import exchange.router.system.ApiException;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reference data: {@code /api/v1/markets}, {@code /api/v1/market}, {@code /api/v1/assets}. Served by any
 * replica straight from PostgreSQL.
 */
@RestController
class MarketController {

    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofSeconds(5));

    private final MarketRepository markets;
    private final AssetRepository assets;

    MarketController(MarketRepository markets, AssetRepository assets) {
        this.markets = markets;
        this.assets = assets;
    }

    @GetMapping("/api/v1/markets")
    ResponseEntity<List<MarketResponse>> markets() {
        return ResponseEntity.ok().cacheControl(CACHE)
                .body(markets.findAllByOrderBySymbol().stream().map(MarketResponse::of).toList());
    }

    @GetMapping("/api/v1/market")
    MarketResponse market(@RequestParam String symbol) {
        return markets.findById(symbol).map(MarketResponse::of)
                .orElseThrow(() -> ApiException.notFound("Market not found: " + symbol));
    }

    @GetMapping("/api/v1/assets")
    ResponseEntity<List<AssetResponse>> assets() {
        return ResponseEntity.ok().cacheControl(CACHE)
                .body(assets.findAllByOrderBySymbol().stream().map(AssetResponse::of).toList());
    }
}
