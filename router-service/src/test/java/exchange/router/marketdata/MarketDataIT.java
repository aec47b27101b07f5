package exchange.router.marketdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import exchange.devstack.RealInfrastructure;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The public market data endpoints against real PostgreSQL and Redis. Rows are seeded as the engine leader
 * commits them and Redis keys as it caches them; every cached answer is checked against the PostgreSQL answer
 * for the same state. Symbols are unique to this class because the Redis server is shared by the test JVM.
 * The engine is off: reads need none, and no leader may rewrite the seeded keys. Tickers are computed afresh
 * for every request, as each test seeds new trades.
 */
@ExtendWith(RealInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "exchange.engine.enabled=false",
        "exchange.marketdata.ticker-reuse=0s"})
class MarketDataIT {

    static final String MARKET = "MDIT_MDUSD";
    static final String OTHER = "MDITB_MDUSD";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.shared().springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final Instant now = Instant.now();

    @BeforeEach
    void markets() {
        jdbc.sql("DELETE FROM trade").update();
        jdbc.sql("DELETE FROM trade_minute").update();
        jdbc.sql("DELETE FROM orders").update();
        jdbc.sql("DELETE FROM market").update();
        jdbc.sql("DELETE FROM account WHERE id <> 0").update();
        jdbc.sql("DELETE FROM asset").update();
        for (String asset : List.of("MDIT", "MDITB", "MDUSD")) {
            jdbc.sql("INSERT INTO asset (symbol, display_name, decimals) VALUES (?, ?, 6)").params(asset, asset)
                    .update();
        }
        for (String market : List.of(MARKET, OTHER)) {
            jdbc.sql("""
                    INSERT INTO market (symbol, base_symbol, quote_symbol, tick_size, step_size, min_quantity,
                                        maker_fee_ppm, taker_fee_ppm)
                    VALUES (?, ?, 'MDUSD', 0.01, 0.001, 0.001, 200, 500)""")
                    .params(market, market.substring(0, market.indexOf('_'))).update();
            redis.delete(List.of(MarketDataCache.DEPTH_KEY + market, MarketDataCache.TICKER_KEY + market,
                    MarketDataCache.TRADES_KEY + market));
        }
        jdbc.sql("INSERT INTO account (id, label) VALUES (2001, 'maker'), (2002, 'taker')").update();
    }

    // ---- depth

    @Test
    void depthFromPostgresAggregatesOpenOrdersPerPriceLevel() throws Exception {
        openOrder(1, "Ask", "101", "2", "0.5", "PartiallyFilled");
        openOrder(2, "Ask", "101", "1", "0", "New");
        openOrder(3, "Ask", "102.50", "3", "0", "New");
        openOrder(4, "Ask", "103", "3", "0", "Cancelled");
        openOrder(5, "Ask", "104", "3", "3", "Filled");
        openOrder(6, "Bid", "99", "1", "0", "New");
        openOrder(7, "Bid", "98", "2", "1", "PartiallyFilled");
        jdbc.sql("UPDATE market SET depth_update_id = 42 WHERE symbol = ?").param(MARKET).update();

        JsonNode depth = ok("/api/v1/depth?symbol=" + MARKET);
        assertThat(levels(depth.get("asks"))).containsExactly(List.of("101", "2.5"), List.of("102.5", "3"));
        assertThat(levels(depth.get("bids"))).containsExactly(List.of("98", "1"), List.of("99", "1"));
        assertThat(depth.get("lastUpdateId").isString()).isTrue();
        assertThat(depth.get("lastUpdateId").asString()).isEqualTo("42");
        long micros = depth.get("timestamp").asLong();
        assertThat(micros).isBetween(WireFormat.micros(now.minusSeconds(60)), WireFormat.micros(now.plusSeconds(60)));
    }

    @Test
    void depthFromRedisEqualsDepthFromPostgresForTheSameBook() throws Exception {
        for (int i = 0; i < 6; i++) {
            openOrder(10 + i, "Ask", Integer.toString(101 + i), "1." + i, "0", "New");
            openOrder(20 + i, "Bid", Integer.toString(94 + i), "2." + i, "0", "New");
        }
        jdbc.sql("UPDATE market SET depth_update_id = 7 WHERE symbol = ?").param(MARKET).update();
        JsonNode fromPostgres = ok("/api/v1/depth?symbol=" + MARKET);
        JsonNode top5FromPostgres = ok("/api/v1/depth?symbol=" + MARKET + "&limit=5");

        redis.opsForValue().set(MarketDataCache.DEPTH_KEY + MARKET, """
                {"asks":[["101","1"],["102","1.1"],["103","1.2"],["104","1.3"],["105","1.4"],["106","1.5"]],
                 "bids":[["94","2"],["95","2.1"],["96","2.2"],["97","2.3"],["98","2.4"],["99","2.5"]],
                 "lastUpdateId":"7","timestamp":1753102447307501}""");
        JsonNode fromRedis = ok("/api/v1/depth?symbol=" + MARKET);
        JsonNode top5FromRedis = ok("/api/v1/depth?symbol=" + MARKET + "&limit=5");

        assertThat(fromRedis.get("timestamp").asLong()).isEqualTo(1753102447307501L);
        for (String field : List.of("asks", "bids", "lastUpdateId")) {
            assertThat(fromRedis.get(field)).isEqualTo(fromPostgres.get(field));
            assertThat(top5FromRedis.get(field)).isEqualTo(top5FromPostgres.get(field));
        }
        assertThat(levels(top5FromRedis.get("asks"))).extracting(level -> level.get(0))
                .containsExactly("101", "102", "103", "104", "105");
        assertThat(levels(top5FromRedis.get("bids"))).extracting(level -> level.get(0))
                .containsExactly("95", "96", "97", "98", "99");
    }

    @Test
    void anEmptyBookHasNoLevels() throws Exception {
        JsonNode depth = ok("/api/v1/depth?symbol=" + MARKET + "&limit=5");
        assertThat(depth.get("asks")).isEmpty();
        assertThat(depth.get("bids")).isEmpty();
        assertThat(depth.get("lastUpdateId").asString()).isEqualTo("0");
    }

    // ---- tickers

    @Test
    void tickerOverTheLast24HoursFromPostgresEqualsTheCachedOne() throws Exception {
        seedTickerTrades();
        JsonNode fromPostgres = ok("/api/v1/ticker?symbol=" + MARKET);
        assertThat(fromPostgres).isEqualTo(json.readTree("""
                {"symbol":"MDIT_MDUSD","firstPrice":"110","lastPrice":"99","priceChange":"-11",
                 "priceChangePercent":"-0.1","high":"110","low":"90","volume":"3.5","quoteVolume":"359.5",
                 "trades":"3"}"""));

        redis.opsForValue().set(MarketDataCache.TICKER_KEY + MARKET, fromPostgres.toString());
        assertThat(ok("/api/v1/ticker?symbol=" + MARKET + "&interval=1d")).isEqualTo(fromPostgres);
        redis.opsForValue().set(MarketDataCache.TICKER_KEY + MARKET, fromPostgres.toString()
                .replace("\"trades\":\"3\"", "\"trades\":\"1000\""));
        assertThat(ok("/api/v1/ticker?symbol=" + MARKET).get("trades").asString())
                .as("served from Redis when cached").isEqualTo("1000");
    }

    @Test
    void weeklyTickerAndTickersOfEveryMarket() throws Exception {
        seedTickerTrades();
        JsonNode week = ok("/api/v1/ticker?symbol=" + MARKET + "&interval=1w");
        assertThat(week.get("firstPrice").asString()).isEqualTo("100");
        assertThat(week.get("trades").asString()).isEqualTo("4");

        JsonNode tickers = ok("/api/v1/tickers");
        assertThat(tickers).hasSize(2);
        assertThat(tickers.get(0)).isEqualTo(ok("/api/v1/ticker?symbol=" + OTHER));
        assertThat(tickers.get(0)).isEqualTo(json.readTree("""
                {"symbol":"MDITB_MDUSD","firstPrice":"0","lastPrice":"0","priceChange":"0",
                 "priceChangePercent":"0","high":"0","low":"0","volume":"0","quoteVolume":"0","trades":"0"}"""));
        assertThat(tickers.get(1)).isEqualTo(ok("/api/v1/ticker?symbol=" + MARKET));

        redis.opsForValue().set(MarketDataCache.TICKER_KEY + OTHER, tickers.get(0).toString()
                .replace("\"trades\":\"0\"", "\"trades\":\"5\""));
        assertThat(ok("/api/v1/tickers").get(0).get("trades").asString()).isEqualTo("5");
        assertThat(ok("/api/v1/tickers?interval=1w").get(1)).isEqualTo(week);
    }

    @Test
    void tickerFromMinuteSumsEqualsOneComputedFromEveryTrade() throws Exception {
        // Trades over 26 hours, several per minute, ids not in time order, the window's first trades in its first,
        // partial minute with a tie on time: the ticker (per-minute sums plus that minute's trades) must equal a
        // scan of every trade in the window. The window starts when the server answers, a little after "start":
        // start early in a minute, so that the partial minute is long enough to hold trades safely inside it.
        Instant start = Instant.now();
        if (start.getEpochSecond() % 60 >= 40) {
            Thread.sleep((61 - start.getEpochSecond() % 60) * 1000);
            start = Instant.now();
        }
        Instant edge = start.minus(Duration.ofDays(1));
        Instant firstWholeMinute = Instant.ofEpochSecond(Math.ceilDiv(edge.getEpochSecond() + 1, 60) * 60);
        Instant firstInWindow = firstWholeMinute.minusSeconds(5);
        java.util.Random random = new java.util.Random(7);
        long id = 10;
        for (int i = 0; i < 400; i++) {
            Instant at = start.minusMillis((long) (random.nextDouble() * Duration.ofHours(26).toMillis()));
            if (at.isAfter(edge.minusSeconds(10)) && at.isBefore(firstWholeMinute)) {
                at = at.plusSeconds(120);
            }
            trade(id++, Integer.toString(90 + random.nextInt(40)), Integer.toString(1 + random.nextInt(5)),
                    "Bid", at);
        }
        trade(3, "71", "1", "Ask", firstInWindow);
        trade(2, "72", "1", "Ask", firstInWindow);
        trade(1, "60", "1", "Ask", edge.minusSeconds(10));
        for (long seconds : new long[] {60, 1}) {
            trade(id++, "77", "1", "Ask", start.minusSeconds(seconds));
        }

        JsonNode ticker = ok("/api/v1/ticker?symbol=" + MARKET);

        Map<String, Object> scan = jdbc.sql("""
                SELECT count(*) AS trades, max(price) AS high, min(price) AS low, sum(quantity) AS volume,
                       sum(quote_quantity) AS quote_volume
                FROM trade WHERE symbol = :symbol AND created_at >= :since""")
                .param("symbol", MARKET).param("since", Timestamp.from(edge))
                .query().singleRow();
        assertThat(ticker.get("trades").asString()).isEqualTo(scan.get("trades").toString());
        assertThat(new BigDecimal(ticker.get("high").asString())).isEqualByComparingTo((BigDecimal) scan.get("high"));
        assertThat(new BigDecimal(ticker.get("low").asString())).isEqualByComparingTo((BigDecimal) scan.get("low"));
        assertThat(new BigDecimal(ticker.get("volume").asString()))
                .isEqualByComparingTo((BigDecimal) scan.get("volume"));
        assertThat(new BigDecimal(ticker.get("quoteVolume").asString()))
                .isEqualByComparingTo((BigDecimal) scan.get("quote_volume"));
        assertThat(ticker.get("firstPrice").asString()).as("the first by time, then by id").isEqualTo("72");
        assertThat(jdbc.sql("SELECT sum(trades) FROM trade_minute WHERE symbol = ?").param(MARKET)
                .query(Long.class).single()).as("every trade counted once")
                .isEqualTo(jdbc.sql("SELECT count(*) FROM trade WHERE symbol = ?").param(MARKET)
                        .query(Long.class).single());
    }

    @Test
    void aMarketWithoutRecentTradesShowsItsLastPrice() throws Exception {
        trade(1, "150.5", "1", "Bid", now.minus(Duration.ofDays(3)));
        JsonNode ticker = ok("/api/v1/ticker?symbol=" + MARKET);
        assertThat(ticker.get("firstPrice").asString()).isEqualTo("150.5");
        assertThat(ticker.get("lastPrice").asString()).isEqualTo("150.5");
        assertThat(ticker.get("volume").asString()).isEqualTo("0");
        assertThat(ticker.get("trades").asString()).isEqualTo("0");
    }

    // ---- trades

    @Test
    void recentTradesNewestFirstFromPostgresEqualTheCachedList() throws Exception {
        trade(1, "100", "1", "Bid", now.minusSeconds(30));
        trade(2, "101.5", "0.25", "Ask", now.minusSeconds(20));
        trade(3, "102", "2", "Bid", now.minusSeconds(10));

        JsonNode fromPostgres = ok("/api/v1/trades?symbol=" + MARKET);
        assertThat(fromPostgres).hasSize(3);
        JsonNode newest = fromPostgres.get(0);
        assertThat(newest.get("id").asLong()).isEqualTo(3);
        assertThat(newest.get("price").asString()).isEqualTo("102");
        assertThat(newest.get("quantity").asString()).isEqualTo("2");
        assertThat(newest.get("quoteQuantity").asString()).isEqualTo("204");
        assertThat(newest.get("timestamp").asLong()).isEqualTo(now.minusSeconds(10).toEpochMilli());
        assertThat(newest.get("isBuyerMaker").asBoolean()).isFalse();
        assertThat(fromPostgres.get(1).get("isBuyerMaker").asBoolean()).as("a sell taker hits a resting buyer")
                .isTrue();
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=2")).containsExactly(
                fromPostgres.get(0), fromPostgres.get(1));

        // The leader LPUSHes each trade, so the list is newest first.
        for (int i = 2; i >= 0; i--) {
            redis.opsForList().leftPush(MarketDataCache.TRADES_KEY + MARKET, fromPostgres.get(i).toString());
        }
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=3")).isEqualTo(fromPostgres);
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=2")).containsExactly(
                fromPostgres.get(0), fromPostgres.get(1));

        redis.opsForList().leftPush(MarketDataCache.TRADES_KEY + MARKET,
                fromPostgres.get(0).toString().replace("\"id\":3", "\"id\":99"));
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=1").get(0).get("id").asLong())
                .as("served from Redis when the list holds enough trades").isEqualTo(99);
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=10")).as("too short a list: PostgreSQL")
                .isEqualTo(fromPostgres);
    }

    @Test
    void tradeHistoryPagesNewestFirst() throws Exception {
        for (int i = 1; i <= 7; i++) {
            trade(i, Integer.toString(100 + i), "1", "Bid", now.minusSeconds(100 - i));
        }
        assertThat(ids(ok("/api/v1/trades/history?symbol=" + MARKET))).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(ids(ok("/api/v1/trades/history?symbol=" + MARKET + "&limit=3"))).containsExactly(7L, 6L, 5L);
        assertThat(ids(ok("/api/v1/trades/history?symbol=" + MARKET + "&limit=3&offset=3")))
                .containsExactly(4L, 3L, 2L);
        assertThat(ids(ok("/api/v1/trades/history?symbol=" + MARKET + "&limit=3&offset=6"))).containsExactly(1L);
        assertThat(ok("/api/v1/trades/history?symbol=" + MARKET + "&offset=7")).isEmpty();
        assertThat(ok("/api/v1/trades/history?symbol=" + OTHER)).isEmpty();
    }

    // ---- klines

    @Test
    void klinesGroupTradesIntoUtcCandlesAndOmitEmptyOnes() throws Exception {
        trade(1, "100", "1", "Bid", Instant.parse("2025-07-19T13:09:10Z"));
        trade(2, "104", "0.5", "Ask", Instant.parse("2025-07-19T13:09:50Z"));
        trade(3, "99", "2", "Bid", Instant.parse("2025-07-19T13:10:30Z"));
        trade(4, "101", "1", "Bid", Instant.parse("2025-07-19T13:12:05Z"));
        long start = Instant.parse("2025-07-19T13:09:00Z").getEpochSecond();
        long end = Instant.parse("2025-07-19T13:15:00Z").getEpochSecond();

        JsonNode minutes = ok("/api/v1/klines?symbol=" + MARKET + "&interval=1m&startTime=" + start + "&endTime=" + end);
        assertThat(minutes).hasSize(3);
        assertThat(minutes.get(0)).isEqualTo(json.readTree("""
                {"start":"2025-07-19 13:09:00","end":"2025-07-19 13:10:00","open":"100","high":"104","low":"100",
                 "close":"104","volume":"1.5","quoteVolume":"152","trades":"2"}"""));
        assertThat(minutes.get(1).get("start").asString()).isEqualTo("2025-07-19 13:10:00");
        assertThat(minutes.get(2).get("start").asString()).as("13:11 had no trade").isEqualTo("2025-07-19 13:12:00");

        JsonNode threeMinutes = ok("/api/v1/klines?symbol=" + MARKET + "&interval=3m&startTime=" + (start + 70)
                + "&endTime=" + (start + 180));
        assertThat(threeMinutes).as("the candle containing startTime, whole; none starting at endTime").hasSize(1);
        assertThat(threeMinutes.get(0)).isEqualTo(json.readTree("""
                {"start":"2025-07-19 13:09:00","end":"2025-07-19 13:12:00","open":"100","high":"104","low":"99",
                 "close":"99","volume":"3.5","quoteVolume":"350","trades":"3"}"""));

        JsonNode month = ok("/api/v1/klines?symbol=" + MARKET + "&interval=1month&startTime=" + start);
        assertThat(month).hasSize(1);
        assertThat(month.get(0).get("start").asString()).isEqualTo("2025-07-01 00:00:00");
        assertThat(month.get(0).get("end").asString()).isEqualTo("2025-08-01 00:00:00");
        assertThat(month.get(0).get("trades").asString()).isEqualTo("4");
        assertThat(month.get(0).get("close").asString()).isEqualTo("101");

        JsonNode week = ok("/api/v1/klines?symbol=" + MARKET + "&interval=1w&startTime=" + start + "&endTime=" + end);
        assertThat(week.get(0).get("start").asString()).isEqualTo("2025-07-14 00:00:00");

        assertThat(ok("/api/v1/klines?symbol=" + MARKET + "&interval=1m&startTime=" + (end + 60))).isEmpty();
    }

    @Test
    void klinesFromMinuteSumsEqualCandlesComputedFromEveryTrade() throws Exception {
        // 500 trades over 40 days and 150 in the 6 hours before "tie", ids not in time order, 20 at one instant:
        // each interval's candles (summed from trade_minute for a minute or more, grouped from the trades for 1s)
        // must equal a grouping of every trade of the range, open and close the first and last by time, then id.
        Random random = new Random(5);
        Instant end = Instant.parse("2025-09-10T00:00:00Z");
        Instant tie = Instant.parse("2025-09-01T12:00:00Z");
        long id = 1;
        for (int i = 0; i < 670; i++) {
            Instant at = i < 500 ? end.minusMillis((long) (random.nextDouble() * Duration.ofDays(40).toMillis()))
                    : i < 650 ? tie.minusMillis((long) (random.nextDouble() * Duration.ofHours(6).toMillis()))
                    : tie;
            trade(id++, Integer.toString(90 + random.nextInt(40)), Integer.toString(1 + random.nextInt(5)),
                    random.nextBoolean() ? "Bid" : "Ask", at);
        }
        // One second holding two trades whose ids run against their times: by time, 99 opens and 98 closes.
        trade(id + 1, "99", "1", "Bid", tie.minusMillis(100_800));
        trade(id, "98", "1", "Ask", tie.minusMillis(100_300));
        long tieSecond = tie.getEpochSecond();
        Map<String, long[]> ranges = Map.of(
                "1s", new long[] {tieSecond - 300, tieSecond + 1},
                "1m", new long[] {tieSecond - 6 * 3600, tieSecond + 60},
                "3m", new long[] {tieSecond - 6 * 3600 + 70, tieSecond + 100},
                "15m", new long[] {tieSecond - 6 * 3600, tieSecond + 60},
                "1h", new long[] {end.getEpochSecond() - 40 * 86400, end.getEpochSecond()},
                "4h", new long[] {end.getEpochSecond() - 40 * 86400, end.getEpochSecond()},
                "1d", new long[] {end.getEpochSecond() - 40 * 86400, end.getEpochSecond()},
                "1w", new long[] {end.getEpochSecond() - 40 * 86400, end.getEpochSecond()},
                "1month", new long[] {end.getEpochSecond() - 40 * 86400, end.getEpochSecond()});
        for (Map.Entry<String, long[]> range : ranges.entrySet()) {
            KlineInterval interval = KlineInterval.parse(range.getKey()).orElseThrow();
            Instant from = interval.bucketStart(Instant.ofEpochSecond(range.getValue()[0]));
            Instant to = interval.ceil(Instant.ofEpochSecond(range.getValue()[1]));
            JsonNode klines = ok("/api/v1/klines?symbol=" + MARKET + "&interval=" + range.getKey() + "&startTime="
                    + range.getValue()[0] + "&endTime=" + range.getValue()[1]);
            List<Map<String, Object>> scan = jdbc.sql("WITH t AS (SELECT " + interval.bucketSql() + " AS start, *"
                    + " FROM trade WHERE symbol = ? AND created_at >= ? AND created_at < ?)"
                    + " SELECT start, count(*) AS trades, (array_agg(price ORDER BY created_at, id))[1] AS open,"
                    + " max(price) AS high, min(price) AS low,"
                    + " (array_agg(price ORDER BY created_at DESC, id DESC))[1] AS close, sum(quantity) AS volume,"
                    + " sum(quote_quantity) AS quote_volume FROM t GROUP BY start ORDER BY start")
                    .params(MARKET, Timestamp.from(from), Timestamp.from(to)).query().listOfRows();
            assertThat(klines).as(range.getKey()).hasSize(scan.size()).hasSizeGreaterThan(1);
            if (interval == KlineInterval.ONE_SECOND) {
                assertThat(klines).as("the second with ids against time").anySatisfy(candle -> {
                    assertThat(candle.get("open").asString()).isEqualTo("99");
                    assertThat(candle.get("close").asString()).isEqualTo("98");
                });
            }
            for (int i = 0; i < scan.size(); i++) {
                JsonNode candle = klines.get(i);
                Map<String, Object> expected = scan.get(i);
                String what = range.getKey() + " candle " + candle.get("start").asString();
                assertThat(candle.get("start").asString()).as(what).isEqualTo(KlineResponse.time(
                        ((Timestamp) expected.get("start")).toInstant()));
                assertThat(candle.get("trades").asString()).as(what).isEqualTo(expected.get("trades").toString());
                for (String[] field : new String[][] {{"open", "open"}, {"high", "high"}, {"low", "low"},
                        {"close", "close"}, {"volume", "volume"}, {"quoteVolume", "quote_volume"}}) {
                    assertThat(new BigDecimal(candle.get(field[0]).asString())).as(what + " " + field[0])
                            .isEqualByComparingTo((BigDecimal) expected.get(field[1]));
                }
            }
        }
    }

    // ---- bad input

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/depth?symbol=NOPE_MDUSD                                | 400 | INVALID_SYMBOL",
            "/api/v1/depth                                                  | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/depth?symbol=MDIT_MDUSD&limit=7                         | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/depth?symbol=MDIT_MDUSD&limit=abc                       | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/ticker?symbol=NOPE_MDUSD                               | 400 | INVALID_SYMBOL",
            "/api/v1/ticker?symbol=MDIT_MDUSD&interval=1h                    | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/tickers?interval=2d                                    | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades?symbol=NOPE_MDUSD                               | 400 | INVALID_SYMBOL",
            "/api/v1/trades?symbol=MDIT_MDUSD&limit=0                        | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades?symbol=MDIT_MDUSD&limit=1001                     | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades?symbol=MDIT_MDUSD&limit=x                        | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades/history?symbol=NOPE_MDUSD                       | 400 | INVALID_SYMBOL",
            "/api/v1/trades/history?symbol=MDIT_MDUSD&offset=-1              | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades/history?symbol=MDIT_MDUSD&limit=-5               | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/trades/history?symbol=MDIT_MDUSD&offset=99999999999999999999 | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=NOPE_MDUSD&interval=1m&startTime=0       | 400 | INVALID_SYMBOL",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1M&startTime=0        | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m                    | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m&startTime=-1       | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m&startTime=1753000000000 | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m&startTime=200&endTime=100 | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m&startTime=0&priceType=Mark | 400 | INVALID_CLIENT_REQUEST",
            "/api/v1/klines?symbol=MDIT_MDUSD&interval=1m&startTime=9223372036854775807 | 400 | INVALID_CLIENT_REQUEST"})
    void badInputIsAClientError(String path, int status, String code) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(json.readTree(response.body()).get("code").asString()).isEqualTo(code);
    }

    @Test
    void aCorruptCachedValueFallsBackToPostgres() throws Exception {
        redis.opsForValue().set(MarketDataCache.DEPTH_KEY + MARKET, "not json");
        redis.opsForValue().set(MarketDataCache.TICKER_KEY + MARKET, "{\"symbol\":");
        redis.opsForList().leftPush(MarketDataCache.TRADES_KEY + MARKET, "[]");
        assertThat(ok("/api/v1/depth?symbol=" + MARKET).get("lastUpdateId").asString()).isEqualTo("0");
        assertThat(ok("/api/v1/ticker?symbol=" + MARKET).get("trades").asString()).isEqualTo("0");
        assertThat(ok("/api/v1/trades?symbol=" + MARKET + "&limit=1")).isEmpty();
    }

    // ---- helpers

    private void seedTickerTrades() {
        trade(1, "100", "1", "Bid", now.minus(Duration.ofHours(25)));
        trade(2, "110", "2", "Bid", now.minus(Duration.ofHours(2)));
        trade(3, "90", "1", "Ask", now.minus(Duration.ofHours(1)));
        trade(4, "99", "0.5", "Bid", now.minus(Duration.ofMinutes(10)));
    }

    private void openOrder(long id, String side, String price, String quantity, String executed, String status) {
        BigDecimal executedQuantity = new BigDecimal(executed);
        jdbc.sql("""
                INSERT INTO orders (id, account_id, symbol, side, order_type, time_in_force, post_only,
                    self_trade_prevention, price, quantity, executed_quantity, executed_quote_quantity, status,
                    priority, created_at, updated_at)
                VALUES (?, 2001, ?, ?, 'Limit', 'GTC', false, 'RejectTaker', ?, ?, ?, ?, ?, ?, now(), now())""")
                .params(id, MARKET, side, new BigDecimal(price), new BigDecimal(quantity), executedQuantity,
                        executedQuantity.multiply(new BigDecimal(price)), status, id)
                .update();
    }

    private void trade(long id, String price, String quantity, String takerSide, Instant at) {
        BigDecimal p = new BigDecimal(price);
        BigDecimal q = new BigDecimal(quantity);
        jdbc.sql("""
                INSERT INTO trade (id, symbol, price, quantity, quote_quantity, taker_side, maker_order_id,
                    taker_order_id, maker_account_id, taker_account_id, maker_fee, maker_fee_asset, taker_fee,
                    taker_fee_asset, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 1, 2, 2001, 2002, 0, 'MDUSD', 0, 'MDUSD', ?)""")
                .params(id, MARKET, p, q, p.multiply(q), takerSide, Timestamp.from(at)).update();
    }

    private static List<List<String>> levels(JsonNode side) {
        List<List<String>> levels = new ArrayList<>();
        side.forEach(level -> levels.add(List.of(level.get(0).asString(), level.get(1).asString())));
        return levels;
    }

    private static List<Long> ids(JsonNode trades) {
        List<Long> ids = new ArrayList<>();
        trades.forEach(trade -> ids.add(trade.get("id").asLong()));
        return ids;
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
