package exchange.router.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import exchange.router.auth.AuthenticatedAccount;
import exchange.router.system.ApiException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed account reads: balances ({@code /api/v1/capital}), account settings ({@code /api/v1/account}) and
 * the deposit and withdrawal history. Served from PostgreSQL by any replica.
 */
@RestController
class AccountController {

    private static final DateTimeFormatter NAIVE_UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final JdbcClient jdbc;

    AccountController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record BalanceResponse(String available, String locked, String staked) {
    }

    record BalanceRow(String asset, long available, long locked, int decimals) {
    }

    @GetMapping("/api/v1/capital")
    Map<String, BalanceResponse> capital(AuthenticatedAccount account) {
        List<BalanceRow> rows = jdbc.sql("""
                SELECT b.asset, b.available, b.locked, a.decimals FROM balance b
                JOIN asset a ON a.symbol = b.asset WHERE b.account_id = ? ORDER BY b.asset""")
                .param(account.accountId()).query(BalanceRow.class).list();
        Map<String, BalanceResponse> balances = new LinkedHashMap<>();
        for (BalanceRow row : rows) {
            balances.put(row.asset(), new BalanceResponse(
                    decimal(row.available(), row.decimals()), decimal(row.locked(), row.decimals()), "0"));
        }
        return balances;
    }

    record AccountSummary(boolean autoBorrowSettlements, boolean autoLend, boolean autoRealizePnl,
            boolean autoRepayBorrows, String borrowLimit, String futuresMakerFee, String futuresTakerFee,
            String leverageLimit, long limitOrders, boolean liquidating, String positionLimit,
            String spotMakerFee, String spotTakerFee, boolean triggerOrders) {
    }

    record FeeRow(int makerFeePpm, int takerFeePpm) {
    }

    /** Spot fees in basis points: the highest rate over the markets (fees are set per market here). */
    @GetMapping("/api/v1/account")
    AccountSummary account(AuthenticatedAccount account) {
        FeeRow fees = jdbc.sql("SELECT coalesce(max(maker_fee_ppm), 0) AS maker_fee_ppm, "
                + "coalesce(max(taker_fee_ppm), 0) AS taker_fee_ppm FROM market").query(FeeRow.class).single();
        return new AccountSummary(false, false, false, false, "0", "0", "0", "1", 0, false, "0",
                bps(fees.makerFeePpm()), bps(fees.takerFeePpm()), false);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DepositResponse(long id, String source, String status, String symbol, String quantity,
            String createdAt, String transactionHash) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WithdrawalResponse(long id, String clientId, String quantity, String fee, String symbol,
            String status, String toAddress, String createdAt, boolean isInternal) {
    }

    record LedgerRow(long id, String asset, long amount, String externalId, Instant createdAt, int decimals) {
    }

    @GetMapping("/wapi/v1/capital/deposits")
    List<DepositResponse> deposits(AuthenticatedAccount account, @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        return ledger(account, "Deposit", from, to, limit, offset).stream()
                .map(row -> new DepositResponse(row.id(), "administrator", "confirmed", row.asset(),
                        decimal(row.amount(), row.decimals()), NAIVE_UTC.format(row.createdAt()), null))
                .toList();
    }

    @GetMapping("/wapi/v1/capital/withdrawals")
    List<WithdrawalResponse> withdrawals(AuthenticatedAccount account, @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        return ledger(account, "Withdrawal", from, to, limit, offset).stream()
                .map(row -> new WithdrawalResponse(row.id(), row.externalId(),
                        decimal(row.amount(), row.decimals()), "0", row.asset(), "confirmed", "",
                        NAIVE_UTC.format(row.createdAt()), true))
                .toList();
    }

    private List<LedgerRow> ledger(AuthenticatedAccount account, String kind, Long from, Long to, int limit,
            int offset) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "limit must be between 1 and 1000");
        }
        if (offset < 0) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "offset must not be negative");
        }
        return jdbc.sql("""
                SELECT l.id, l.asset, l.amount, l.external_id, l.created_at, a.decimals
                FROM ledger_entry l JOIN asset a ON a.symbol = l.asset
                WHERE l.account_id = :account AND l.kind = :kind
                  AND l.created_at >= coalesce(to_timestamp(:from / 1000.0), '-infinity')
                  AND l.created_at <= coalesce(to_timestamp(:to / 1000.0), 'infinity')
                ORDER BY l.created_at DESC, l.id DESC LIMIT :limit OFFSET :offset""")
                .param("account", account.accountId()).param("kind", kind)
                .param("from", from, java.sql.Types.BIGINT).param("to", to, java.sql.Types.BIGINT)
                .param("limit", limit).param("offset", offset)
                .query(LedgerRow.class).list();
    }

    static String decimal(long units, int decimals) {
        return BigDecimal.valueOf(units, decimals).stripTrailingZeros().toPlainString();
    }

    private static String bps(int ppm) {
        return BigDecimal.valueOf(ppm, 2).stripTrailingZeros().toPlainString();
    }
}
