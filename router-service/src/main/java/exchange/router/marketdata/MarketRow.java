package exchange.router.marketdata;

import java.math.BigDecimal;
import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code market}. Never serialised to the wire: see {@link MarketResponse}. */
@Table("market")
record MarketRow(
        @Id String symbol,
        String baseSymbol,
        String quoteSymbol,
        BigDecimal tickSize,
        BigDecimal stepSize,
        BigDecimal minQuantity,
        int makerFeePpm,
        int takerFeePpm,
        boolean halted,
        Instant createdAt) {
}
