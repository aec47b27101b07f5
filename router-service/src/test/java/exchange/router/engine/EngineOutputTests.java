package exchange.router.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;
import exchange.common.engine.EngineEvent;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.OrderSnapshot;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.ObjectMapper;

class EngineOutputTests {

    private static OrderSnapshot order(long id, Side side, long quantity, long quoteQuantity, long executed,
            long executedQuote, OrderStatus status) {
        return new OrderSnapshot(id, 100 + id, 0, "SOL_USDC", side, quantity > 0 ? OrderType.Limit : OrderType.Market,
                TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 1_000, quantity, quoteQuantity, executed,
                executedQuote, 0, status, 0);
    }

    private static EngineEvent.Trade trade(long tradeId, long maker, long taker, long quantity) {
        return new EngineEvent.Trade(tradeId, 1, 0, "SOL_USDC", tradeId, 1_000, quantity, quantity * 1_000, maker,
                100 + maker, taker, 100 + taker, Side.Bid, 0, "USDC", 0, "SOL");
    }

    @Test
    void eachFillCarriesTheOrdersStateRightAfterIt() {
        // Maker 1 had 2 of 10 filled before the batch; in the batch taker 2 (7) takes 3 and 4 of it, then the
        // maker is cancelled in the same batch: its end-of-batch state says Cancelled with 9 executed.
        List<EngineEvent.Trade> trades = List.of(trade(1, 1, 2, 3), trade(2, 1, 2, 4));
        Map<Long, OrderSnapshot> end = Map.of(
                1L, order(1, Side.Ask, 10, 0, 9, 9_000, OrderStatus.Cancelled),
                2L, order(2, Side.Bid, 7, 0, 7, 7_000, OrderStatus.Filled));

        Map<Long, OrderSnapshot[]> states = EngineOutput.statesAfterFills(trades, end);

        OrderSnapshot makerAfterFirst = states.get(1L)[0];
        OrderSnapshot takerAfterFirst = states.get(1L)[1];
        assertThat(makerAfterFirst.executedQuantity()).isEqualTo(5);
        assertThat(makerAfterFirst.executedQuoteQuantity()).isEqualTo(5_000);
        assertThat(makerAfterFirst.status()).isEqualTo(OrderStatus.PartiallyFilled);
        assertThat(takerAfterFirst.executedQuantity()).isEqualTo(3);
        assertThat(takerAfterFirst.status()).isEqualTo(OrderStatus.PartiallyFilled);

        OrderSnapshot makerAfterSecond = states.get(2L)[0];
        OrderSnapshot takerAfterSecond = states.get(2L)[1];
        assertThat(makerAfterSecond.executedQuantity()).isEqualTo(9);
        assertThat(makerAfterSecond.status()).as("the cancel comes after this fill")
                .isEqualTo(OrderStatus.PartiallyFilled);
        assertThat(takerAfterSecond.executedQuantity()).isEqualTo(7);
        assertThat(takerAfterSecond.status()).isEqualTo(OrderStatus.Filled);
    }

    @Test
    void aMarketOrderSizedInQuoteIsFilledOnlyAfterItsLastFill() {
        List<EngineEvent.Trade> trades = List.of(trade(1, 1, 3, 2), trade(2, 2, 3, 1));
        Map<Long, OrderSnapshot> end = Map.of(
                1L, order(1, Side.Ask, 5, 0, 2, 2_000, OrderStatus.PartiallyFilled),
                2L, order(2, Side.Ask, 1, 0, 1, 1_000, OrderStatus.Filled),
                3L, order(3, Side.Bid, 0, 3_000, 3, 3_000, OrderStatus.Filled));

        Map<Long, OrderSnapshot[]> states = EngineOutput.statesAfterFills(trades, end);

        assertThat(states.get(1L)[1].status()).isEqualTo(OrderStatus.PartiallyFilled);
        assertThat(states.get(1L)[1].executedQuoteQuantity()).isEqualTo(2_000);
        assertThat(states.get(2L)[1].status()).isEqualTo(OrderStatus.Filled);
        assertThat(states.get(2L)[0].status()).isEqualTo(OrderStatus.Filled);
        assertThat(states.get(1L)[0].status()).isEqualTo(OrderStatus.PartiallyFilled);
    }

    @Test
    void aBatchSendsOneDepthDeltaPerMarketWithTheFinalQuantityOfEachChangedLevel() {
        // Three commands change SOL_USDC's book (update ids 41-43) and one ETH_USDC's (7): the batch sends one
        // delta per market, U the first update id and u the last, each level at its last quantity (0 = removed),
        // best first on each side, so applying it to the book at update 40 gives the book at 43.
        MarketUnits sol = MarketUnits.of(new MarketSpec("SOL_USDC", "SOL", "USDC", "0.01", "0.1", "0.1", 0, 0), 9, 6,
                false);
        MarketUnits eth = MarketUnits.of(new MarketSpec("ETH_USDC", "ETH", "USDC", "0.01", "0.1", "0.1", 0, 0), 9, 6,
                false);
        List<EngineEvent> events = List.of(
                new EngineEvent.DepthChanged(1, 1, 1_000, "SOL_USDC", 41,
                        List.of(new EngineEvent.Level(10_000, 5)), List.of(new EngineEvent.Level(10_100, 2))),
                new EngineEvent.DepthChanged(2, 2, 2_000, "ETH_USDC", 7, List.of(), List.of(new EngineEvent.Level(300, 1))),
                new EngineEvent.DepthChanged(3, 3, 3_000, "SOL_USDC", 42,
                        List.of(new EngineEvent.Level(10_050, 1)), List.of(new EngineEvent.Level(10_100, 0))),
                new EngineEvent.DepthChanged(4, 4, 4_000, "SOL_USDC", 43,
                        List.of(new EngineEvent.Level(10_000, 3)), List.of()));
        List<EngineOutput.StreamMessage> out = new ArrayList<>();

        new EngineOutput(new ObjectMapper()).streamMessages(events, Map.of("SOL_USDC", sol, "ETH_USDC", eth), Map.of(),
                out);

        assertThat(out).extracting(EngineOutput.StreamMessage::channel).containsExactly("depth.SOL_USDC",
                "depth.ETH_USDC");
        assertThat(out.getFirst().payload()).isEqualTo("{\"stream\":\"depth.SOL_USDC\",\"data\":{\"e\":\"depth\","
                + "\"E\":4000,\"s\":\"SOL_USDC\",\"a\":[[\"101\",\"0\"]],\"b\":[[\"100.5\",\"0.1\"],[\"100\",\"0.3\"]],"
                + "\"U\":41,\"u\":43,\"T\":4000}}");
        assertThat(out.get(1).payload()).contains("\"U\":7,\"u\":7");
    }

    @Test
    void theDepthSnapshotIsTheBookAscendingOnBothSidesWithItsUpdateId() {
        MarketUnits sol = MarketUnits.of(new MarketSpec("SOL_USDC", "SOL", "USDC", "0.01", "0.1", "0.1", 0, 0), 9, 6,
                false);
        java.util.TreeMap<Long, Long> bids = new java.util.TreeMap<>(Map.of(10_000L, 3L, 10_050L, 1L));
        java.util.TreeMap<Long, Long> asks = new java.util.TreeMap<>(Map.of(10_100L, 2L, 10_200L, 15L));

        String snapshot = new EngineOutput(new ObjectMapper()).depthSnapshot(bids, asks, 77, 5_000, sol);

        assertThat(snapshot).isEqualTo("{\"asks\":[[\"101\",\"0.2\"],[\"102\",\"1.5\"]],"
                + "\"bids\":[[\"100\",\"0.3\"],[\"100.5\",\"0.1\"]],\"lastUpdateId\":\"77\",\"timestamp\":5000}");
        assertThat(new EngineOutput(new ObjectMapper()).depthSnapshot(new java.util.TreeMap<>(),
                new java.util.TreeMap<>(), 0, 1, sol))
                .isEqualTo("{\"asks\":[],\"bids\":[],\"lastUpdateId\":\"0\",\"timestamp\":1}");
    }

    @Test
    void aDeepBooksSnapshotKeepsTheLevelsNearestTheTouchThatTheApiCanReturn() throws Exception {
        MarketUnits sol = MarketUnits.of(new MarketSpec("SOL_USDC", "SOL", "USDC", "0.01", "0.1", "0.1", 0, 0), 9, 6,
                false);
        int levels = EngineOutput.SNAPSHOT_LEVELS + 200;
        java.util.TreeMap<Long, Long> bids = new java.util.TreeMap<>();
        java.util.TreeMap<Long, Long> asks = new java.util.TreeMap<>();
        for (long i = 1; i <= levels; i++) {
            bids.put(50_000 - i, i);
            asks.put(50_000 + i, i);
        }

        ObjectMapper json = new ObjectMapper();
        tools.jackson.databind.JsonNode book = json.readTree(new EngineOutput(json).depthSnapshot(bids, asks, 9, 1,
                sol));

        assertThat(book.get("asks")).hasSize(EngineOutput.SNAPSHOT_LEVELS);
        assertThat(book.get("bids")).hasSize(EngineOutput.SNAPSHOT_LEVELS);
        // Asks from the best (lowest) up; bids ascending, so the best (highest) is last.
        assertThat(book.get("asks").get(0).get(0).asString()).isEqualTo("500.01");
        assertThat(book.get("asks").get(EngineOutput.SNAPSHOT_LEVELS - 1).get(0).asString()).isEqualTo("510");
        assertThat(book.get("bids").get(0).get(0).asString()).isEqualTo("490");
        assertThat(book.get("bids").get(EngineOutput.SNAPSHOT_LEVELS - 1).get(0).asString()).isEqualTo("499.99");
        assertThat(book.get("bids").get(EngineOutput.SNAPSHOT_LEVELS - 1).get(1).asString()).isEqualTo("0.1");
        assertThat(book.get("lastUpdateId").asString()).isEqualTo("9");
    }

    @Test
    void capturedLevelsRenderTheBookAsItWasWhenCapturedWhateverTheEngineDoesNext() {
        MarketUnits sol = MarketUnits.of(new MarketSpec("SOL_USDC", "SOL", "USDC", "0.01", "0.1", "0.1", 0, 0), 9, 6,
                false);
        java.util.TreeMap<Long, Long> bids = new java.util.TreeMap<>(Map.of(10_000L, 3L, 10_050L, 1L));
        java.util.TreeMap<Long, Long> asks = new java.util.TreeMap<>(Map.of(10_100L, 2L));
        EngineOutput output = new EngineOutput(new ObjectMapper());
        String before = output.depthSnapshot(bids, asks, 5, 1, sol);

        EngineOutput.DepthLevels captured = EngineOutput.DepthLevels.of(bids, asks);
        bids.remove(10_050L);
        asks.put(10_060L, 9L);

        assertThat(output.depthSnapshot(captured, 5, 1, sol)).isEqualTo(before);
    }
}
