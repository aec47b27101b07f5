package exchange.router.marketdata;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code asset}. Never serialised to the wire: see {@link AssetResponse}. */
@Table("asset")
record AssetRow(@Id String symbol, String displayName, short decimals, Instant createdAt) {
}
