package exchange.router.history;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/**
 * Reads of {@code orders}, always scoped to one account. Read-only on purpose: the engine leader is the only
 * writer. Each query names the V2 index that serves it.
 */
public interface OrderReadRepository extends Repository<OrderRow, Long> {

    /** Primary key. */
    @Query("SELECT * FROM orders WHERE id = :id AND account_id = :accountId")
    Optional<OrderRow> findByIdForAccount(long accountId, long id);

    /** {@code orders_client_id_idx}; the newest order with that client id, if several. */
    @Query("""
            SELECT * FROM orders WHERE account_id = :accountId AND client_id = :clientId AND symbol = :symbol
              AND status IN ('New', 'PartiallyFilled')
            ORDER BY created_at DESC LIMIT 1""")
    Optional<OrderRow> findOpenByClientId(long accountId, String symbol, long clientId);

    /** {@code orders_open_account_idx}. */
    @Query("""
            SELECT * FROM orders WHERE account_id = :accountId AND status IN ('New', 'PartiallyFilled')
            ORDER BY created_at DESC, id DESC""")
    List<OrderRow> findOpen(long accountId);

    /** {@code orders_open_account_idx}. */
    @Query("""
            SELECT * FROM orders WHERE account_id = :accountId AND symbol = :symbol
              AND status IN ('New', 'PartiallyFilled')
            ORDER BY created_at DESC, id DESC""")
    List<OrderRow> findOpenBySymbol(long accountId, String symbol);

    /** {@code orders_account_symbol_history_idx}, scanned forwards. */
    @Query("""
            SELECT * FROM orders WHERE account_id = :accountId AND symbol = :symbol
            ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
    List<OrderRow> findHistoryNewestFirst(long accountId, String symbol, int limit, long offset);

    /** {@code orders_account_symbol_history_idx}, scanned backwards. */
    @Query("""
            SELECT * FROM orders WHERE account_id = :accountId AND symbol = :symbol
            ORDER BY created_at ASC, id ASC LIMIT :limit OFFSET :offset""")
    List<OrderRow> findHistoryOldestFirst(long accountId, String symbol, int limit, long offset);

    /**
     * Every market's history, merged: a row on the page is among its own market's first {@code window}
     * ({@code limit + offset}, capped at the largest bigint) orders in the same order, so one bounded walk of
     * {@code orders_account_symbol_history_idx} per market finds every candidate, and {@code (created_at, id)}
     * orders them as the account-wide query did. An account-wide index would be written with every order
     * version and cost a sixth of each batch commit (migration V8).
     */
    @Query("""
            SELECT o.* FROM market m CROSS JOIN LATERAL (
                SELECT * FROM orders WHERE account_id = :accountId AND symbol = m.symbol
                ORDER BY created_at DESC, id DESC LIMIT :window) o
            ORDER BY o.created_at DESC, o.id DESC LIMIT :limit OFFSET :offset""")
    List<OrderRow> findAllMarketsHistoryNewestFirst(long accountId, int limit, long offset, long window);

    /** As {@link #findAllMarketsHistoryNewestFirst}, oldest first: each market's walk runs backwards. */
    @Query("""
            SELECT o.* FROM market m CROSS JOIN LATERAL (
                SELECT * FROM orders WHERE account_id = :accountId AND symbol = m.symbol
                ORDER BY created_at ASC, id ASC LIMIT :window) o
            ORDER BY o.created_at ASC, o.id ASC LIMIT :limit OFFSET :offset""")
    List<OrderRow> findAllMarketsHistoryOldestFirst(long accountId, int limit, long offset, long window);

    /** Primary key of {@code market}. */
    @Query("SELECT EXISTS (SELECT 1 FROM market WHERE symbol = :symbol)")
    boolean marketExists(String symbol);
}
