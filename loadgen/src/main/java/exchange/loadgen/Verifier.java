package exchange.loadgen;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks after a run, against PostgreSQL (the source of truth) and the REST API:
 * <ol>
 * <li><b>orders</b>: every acknowledged order is in {@code orders} in the state the client last saw. For watched
 *     accounts (private stream) that state must match exactly; for the others a final state must match exactly,
 *     and an open one may only have progressed (more executed; {@code Cancelled} only if a cancel was sent;
 *     a cancel's "not found" means it must have ended).</li>
 * <li><b>conservation</b>: per asset, balances (available + locked) of all accounts but the fee account plus
 *     the fees of all trades equal deposits minus withdrawals (the fee account's own transfers counted in); the
 *     fee account holds exactly the fees plus its transfers; locked balances equal what open orders lock.</li>
 * <li><b>books</b>: every WebSocket client's book (snapshot + deltas) equals {@code GET /api/v1/depth}.</li>
 * <li><b>fills</b>: every watched account's fills (from {@code trade}) arrived on its private stream exactly
 *     once, and nothing else did.</li>
 * </ol>
 */
final class Verifier {

    record Check(String name, boolean passed, String summary, List<String> details) {
    }

    private static final int MAX_DETAILS = 10;

    private final String jdbcUrl;
    private final String user;
    private final String password;

    Verifier(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        return c;
    }

    record DbOrder(long accountId, String status, BigDecimal executed) {
    }

    Check orders(Connection c, Map<Long, OrderTracker.Seen> seen, Set<Long> watchedAccounts) throws SQLException {
        Map<Long, DbOrder> db = new HashMap<>();
        List<Long> ids = new ArrayList<>(seen.keySet());
        for (int from = 0; from < ids.size(); from += 5000) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 5000));
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id, account_id, status, executed_quantity FROM orders WHERE id = ANY(?)")) {
                Array array = c.createArrayOf("bigint", chunk.toArray());
                q.setArray(1, array);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        db.put(rs.getLong(1), new DbOrder(rs.getLong(2), rs.getString(3), rs.getBigDecimal(4)));
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        int exact = 0;
        int progressed = 0;
        for (OrderTracker.Seen s : seen.values()) {
            String problem = compare(s, db.get(s.orderId()), watchedAccounts.contains(s.accountId()));
            if (problem != null) {
                problems.add("order " + s.orderId() + " (account " + s.accountId() + "): " + problem);
            } else if (db.get(s.orderId()).status().equals(s.status())
                    && db.get(s.orderId()).executed().compareTo(s.executed()) == 0) {
                exact++;
            } else {
                progressed++;
            }
        }
        String summary = seen.size() + " acknowledged orders: " + exact + " exactly as last seen, " + progressed
                + " progressed since (fills after the answer), " + problems.size() + " wrong";
        return new Check("orders", problems.isEmpty(), summary, first(problems));
    }

    /** Why the database row contradicts what the client saw, or null if it does not. */
    static String compare(OrderTracker.Seen s, DbOrder db, boolean watched) {
        if (db == null) {
            return "acknowledged but not in PostgreSQL";
        }
        if (db.accountId() != s.accountId()) {
            return "belongs to account " + db.accountId() + " in PostgreSQL";
        }
        String seenText = s.status() + " executed " + s.executed().toPlainString();
        String dbText = db.status() + " executed " + db.executed().toPlainString();
        if (s.conflict() != null) {
            return "the client saw two different final states: " + s.conflict();
        }
        boolean same = db.status().equals(s.status()) && db.executed().compareTo(s.executed()) == 0;
        if (watched || s.isFinal()) {
            return same ? null : "last seen " + seenText + (watched ? " (private stream)" : "") + ", PostgreSQL "
                    + dbText;
        }
        boolean dbFinal = OrderTracker.FINAL.contains(db.status());
        if (s.goneOnCancel() && !dbFinal) {
            return "a cancel found it gone, but PostgreSQL has it open: " + dbText;
        }
        if (db.executed().compareTo(s.executed()) < 0) {
            return "executed went backwards: last seen " + seenText + ", PostgreSQL " + dbText;
        }
        if (db.status().equals("Cancelled") && !s.cancelRequested()) {
            return "Cancelled in PostgreSQL but never cancelled by the client (last seen " + seenText + ")";
        }
        if (db.status().equals("Expired")) {
            return "a resting order cannot expire: last seen " + seenText + ", PostgreSQL " + dbText;
        }
        return null;
    }

    record AssetBalance(String asset, int decimals, long held, long feeBalance, long locked, long deposits,
            long withdrawals, long feeAccountTransfers, BigDecimal fees, long lockedByOrders) {

        long feeUnits() {
            return fees.movePointRight(decimals).longValueExact();
        }
    }

    Check conservation(Connection c) throws SQLException {
        List<AssetBalance> assets = new ArrayList<>();
        String sql = """
                SELECT a.symbol, a.decimals,
                  (SELECT COALESCE(sum(available + locked), 0) FROM balance WHERE asset = a.symbol AND account_id <> 0),
                  (SELECT COALESCE(sum(available + locked), 0) FROM balance WHERE asset = a.symbol AND account_id = 0),
                  (SELECT COALESCE(sum(locked), 0) FROM balance WHERE asset = a.symbol),
                  (SELECT COALESCE(sum(amount), 0) FROM ledger_entry WHERE asset = a.symbol AND kind = 'Deposit'),
                  (SELECT COALESCE(sum(amount), 0) FROM ledger_entry WHERE asset = a.symbol AND kind = 'Withdrawal'),
                  (SELECT COALESCE(sum(CASE kind WHEN 'Deposit' THEN amount ELSE -amount END), 0)
                     FROM ledger_entry WHERE asset = a.symbol AND account_id = 0),
                  (SELECT COALESCE(sum(maker_fee), 0) FROM trade WHERE maker_fee_asset = a.symbol)
                    + (SELECT COALESCE(sum(taker_fee), 0) FROM trade WHERE taker_fee_asset = a.symbol),
                  (SELECT COALESCE(sum(o.locked), 0) FROM orders o JOIN market m ON m.symbol = o.symbol
                     WHERE o.status IN ('New', 'PartiallyFilled')
                       AND CASE o.side WHEN 'Bid' THEN m.quote_symbol ELSE m.base_symbol END = a.symbol)
                FROM asset a ORDER BY a.symbol
                """;
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                assets.add(new AssetBalance(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBigDecimal(9),
                        rs.getLong(10)));
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (AssetBalance a : assets) {
            long fees;
            try {
                fees = a.feeUnits();
            } catch (ArithmeticException e) {
                problems.add(a.asset() + ": fees " + a.fees().toPlainString() + " are not whole units");
                continue;
            }
            long net = a.deposits() - a.withdrawals();
            long accounted = a.held() + fees + a.feeAccountTransfers();
            lines.add(String.format("%s: deposits - withdrawals %s = balances %s + fees %s%s (%s)", a.asset(),
                    units(net, a.decimals()), units(a.held(), a.decimals()), units(fees, a.decimals()),
                    a.feeAccountTransfers() == 0 ? "" : " + fee account transfers "
                            + units(a.feeAccountTransfers(), a.decimals()),
                    accounted == net ? "ok" : "off by " + units(accounted - net, a.decimals())));
            if (accounted != net) {
                problems.add(a.asset() + ": balances + fees = " + units(accounted, a.decimals())
                        + " but deposits - withdrawals = " + units(net, a.decimals()));
            }
            if (a.feeBalance() != fees + a.feeAccountTransfers()) {
                problems.add(a.asset() + ": fee account holds " + units(a.feeBalance(), a.decimals())
                        + " but trades charged " + units(fees, a.decimals()));
            }
            if (a.locked() != a.lockedByOrders()) {
                problems.add(a.asset() + ": locked balances " + units(a.locked(), a.decimals())
                        + " but open orders lock " + units(a.lockedByOrders(), a.decimals()));
            }
        }
        List<String> details = new ArrayList<>(problems);
        if (problems.isEmpty()) {
            details.addAll(lines);
        }
        return new Check("conservation", problems.isEmpty(), assets.size() + " assets: balances + fees = deposits"
                + " - withdrawals, fee account = fees, locked = open orders' locks" + (problems.isEmpty() ? ""
                : "; " + problems.size() + " violation(s)"), details);
    }

    Check books(List<StreamClient> clients, StreamClient.Snapshot rest) {
        List<String> problems = new ArrayList<>();
        int equal = 0;
        int gaps = 0;
        for (StreamClient client : clients) {
            LocalBook book = client.book();
            gaps += book.gaps();
            List<String> differences = new ArrayList<>(book.differences(rest.lastUpdateId(), rest.asks(),
                    rest.bids(), 1000));
            if (client.closed() != null) {
                differences.addFirst("connection closed: " + client.closed());
            }
            if (book.gaps() > 0) {
                differences.add(book.gaps() + " gap(s) in U/u (re-synced from REST " + (book.snapshots() - 1)
                        + " time(s))");
            }
            if (differences.isEmpty()) {
                equal++;
            } else {
                problems.add("client " + client.index() + ": " + String.join("; ", differences));
            }
        }
        String summary = equal + "/" + clients.size() + " clients' books equal GET /api/v1/depth at update "
                + rest.lastUpdateId() + " (" + rest.bids().size() + " bid and " + rest.asks().size()
                + " ask levels), " + gaps + " gap(s)";
        return new Check("books", problems.isEmpty(), summary, first(problems));
    }

    Check fills(Connection c, List<StreamClient> watching) throws SQLException {
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (StreamClient client : watching) {
            long account = client.watched().accountId;
            Set<StreamClient.Fill> expected = dbFills(c, account);
            total += expected.size();
            Map<StreamClient.Fill, Integer> received = client.fills();
            int missing = 0;
            int duplicated = 0;
            int extra = 0;
            for (StreamClient.Fill fill : expected) {
                int n = received.getOrDefault(fill, 0);
                if (n == 0) {
                    missing++;
                } else if (n > 1) {
                    duplicated++;
                }
            }
            for (StreamClient.Fill fill : received.keySet()) {
                if (!expected.contains(fill)) {
                    extra++;
                }
            }
            if (missing + duplicated + extra > 0 || client.closed() != null) {
                problems.add("account " + account + " (client " + client.index() + "): " + expected.size()
                        + " fills in PostgreSQL, " + missing + " never received, " + duplicated
                        + " received more than once, " + extra + " received but not in PostgreSQL"
                        + (client.closed() == null ? "" : "; connection closed: " + client.closed()));
            }
        }
        String summary = watching.size() + " watched accounts, " + total + " fills: "
                + (problems.isEmpty() ? "each received exactly once" : problems.size() + " account(s) wrong");
        return new Check("fills", problems.isEmpty(), summary, first(problems));
    }

    static Set<StreamClient.Fill> dbFills(Connection c, long account) throws SQLException {
        Set<StreamClient.Fill> fills = new HashSet<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT id, maker_order_id FROM trade WHERE maker_account_id = ?
                UNION ALL
                SELECT id, taker_order_id FROM trade WHERE taker_account_id = ?""")) {
            q.setLong(1, account);
            q.setLong(2, account);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    fills.add(new StreamClient.Fill(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return fills;
    }

    static String units(long units, int decimals) {
        return Market.plain(BigDecimal.valueOf(units, decimals));
    }

    private static List<String> first(List<String> all) {
        return all.size() <= MAX_DETAILS ? all : new ArrayList<>(all.subList(0, MAX_DETAILS));
    }
}
