package exchange.router.auth;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code api_key}. */
@Table("api_key")
record ApiKeyRow(@Id String publicKey, long accountId, Instant createdAt, Instant revokedAt) {
}
