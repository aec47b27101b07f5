package exchange.router.history;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;

import exchange.router.support.BackpackClient;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two accounts, Alice and Bob, with signing keys, two markets, and the orders and trades the engine leader
 * would have committed for them. Times are fixed so responses can be compared field by field.
 */
public final class TradingFixture {

    public static final String MARKET = "THB_THQ";
    public static final String OTHER = "THC_THQ";
    public static final long ALICE = 4001;
    public static final long BOB = 4002;
    public static final Instant T0 = Instant.parse("2025-07-27T17:39:00.092Z");

    private final JdbcClient jdbc;

    public TradingFixture(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Seeds everything; {@code alice} and {@code bob} sign for the two accounts. */
    public void seed(BackpackClient alice, BackpackClient bob) {
        jdbc.sql("INSERT INTO asset (symbol, display_name, decimals) VALUES ('THB', 'B', 8), ('THC', 'C', 8), "
                + "('THQ', 'Q', 6)").update();
        for (String market : new String[] {MARKET, OTHER}) {
            jdbc.sql("""
                    INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                        maker_fee_ppm, taker_fee_ppm)
                    VALUES (?, ?, 'THQ', 0.01, 0.0001, 0.0001, 200, 500)""")
                    .params(market, market.substring(0, 3)).update();
        }
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, 'alice'), (?, 'bob')").params(ALICE, BOB).update();
        jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?), (?, ?)")
                .params(alice.apiKey(), ALICE, bob.apiKey(), BOB).update();

        limit(101, ALICE, MARKET, 7L, "Bid", "20.50", "2", "0.5", "10.25", "PartiallyFilled", 1);
        limit(102, ALICE, MARKET, null, "Ask", "25", "1", "1", "25", "Filled", 2);
        limit(103, ALICE, MARKET, 8L, "Bid", "19", "1", "0", "0", "Cancelled", 3);
        jdbc.sql("""
                INSERT INTO orders (id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                    self_trade_prevention, quote_quantity, executed_quantity, executed_quote_quantity, status,
                    priority, created_at, updated_at)
                VALUES (104, ?, ?, NULL, 'Bid', 'Market', 'IOC', false, 'RejectTaker', 50, 0.2, 4.4, 'Expired',
                        104, ?, ?)""")
                .params(ALICE, MARKET, at(4), at(4)).update();
        limit(105, ALICE, OTHER, null, "Ask", "3.5", "10", "0", "0", "New", 5);
        limit(106, ALICE, MARKET, null, "Ask", "30", "1.5", "0", "0", "New", 6);
        limit(201, BOB, MARKET, 7L, "Ask", "22", "1", "0.2", "4.4", "PartiallyFilled", 7);
        limit(202, BOB, MARKET, null, "Ask", "20.5", "0.5", "0.5", "10.25", "Filled", 8);

        // Bob sells into Alice's bid 101; Bob buys Alice's ask 102; Alice's market buy 104 takes Bob's ask 201.
        trade(1, MARKET, "20.5", "0.5", "Ask", 101, 202, ALICE, BOB, "0.0001", "THB", "0.005125", "THQ", 10);
        trade(2, MARKET, "25", "1", "Bid", 102, 2020, ALICE, BOB, "0.005", "THQ", "0.0005", "THB", 20);
        trade(3, MARKET, "22", "0.2", "Bid", 201, 104, BOB, ALICE, "0.00088", "THQ", "0.0001", "THB", 30);
        trade(4, OTHER, "3", "1", "Bid", 2030, 2031, BOB, BOB, "0", "THQ", "0", "THC", 40);
    }

    /** {@code T0} plus {@code seconds}. */
    public static Instant time(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static Timestamp at(int seconds) {
        return Timestamp.from(time(seconds));
    }

    private void limit(long id, long account, String symbol, Long clientId, String side, String price,
            String quantity, String executed, String executedQuote, String status, int createdAt) {
        jdbc.sql("""
                INSERT INTO orders (id, account_id, symbol, client_id, side, order_type, time_in_force, post_only,
                    self_trade_prevention, price, quantity, executed_quantity, executed_quote_quantity, status,
                    priority, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'Limit', 'GTC', ?, 'RejectTaker', ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, account, symbol, clientId, side, id == 106, new BigDecimal(price),
                        new BigDecimal(quantity), new BigDecimal(executed), new BigDecimal(executedQuote), status, id,
                        at(createdAt), at(createdAt))
                .update();
    }

    private void trade(long id, String symbol, String price, String quantity, String takerSide, long makerOrder,
            long takerOrder, long maker, long taker, String makerFee, String makerFeeAsset, String takerFee,
            String takerFeeAsset, int createdAt) {
        BigDecimal p = new BigDecimal(price);
        BigDecimal q = new BigDecimal(quantity);
        jdbc.sql("""
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                    taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset, taker_fee,
                    taker_fee_asset, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, symbol, p, q, p.multiply(q), takerSide, makerOrder, takerOrder, maker, taker,
                        new BigDecimal(makerFee), makerFeeAsset, new BigDecimal(takerFee), takerFeeAsset,
                        at(createdAt))
                .update();
    }
}
