package exchange.common.engine;

import static exchange.common.engine.EngineScenario.ALICE;
import static exchange.common.engine.EngineScenario.BOB;
import static exchange.common.engine.EngineScenario.CAROL;
import static exchange.common.engine.EngineScenario.SYMBOL;
import static exchange.common.engine.EngineScenario.balances;
import static exchange.common.engine.EngineScenario.describe;
import static exchange.common.engine.EngineScenario.price;
import static exchange.common.engine.EngineScenario.qty;
import static exchange.common.engine.EngineScenario.usdc;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import exchange.common.book.Order;
import exchange.common.book.OrderStatus;
import exchange.common.book.OrderType;
import exchange.common.book.SelfTradePrevention;
import exchange.common.book.Side;
import exchange.common.book.TimeInForce;

/**
 * Scenarios for every engine rule: book before, command, events, book after. Market SOL_USDC: tick 0.01,
 * step 0.01, maker fee 0.1%, taker fee 0.2% (fees paid in the received asset).
 */
class MatchingEngineTests {

    private final EngineScenario s = new EngineScenario();

    {
        s.fund(ALICE, "1000", "10").fund(BOB, "1000", "10").fund(CAROL, "1000", "10");
    }

    @Nested
    class LimitOrders {

        @Test
        void restingOrdersQueueByPriceThenArrival() {
            s.ask(ALICE, "101", "1");
            s.ask(BOB, "102", "1");
            s.ask(CAROL, "101", "2");
            s.bid(ALICE, "99", "1");
            s.bid(BOB, "100", "1");

            assertThat(s.book()).containsExactly(
                    "ASK 102.00 1.00 #2 a2",
                    "ASK 101.00 1.00 #1 a1",
                    "ASK 101.00 2.00 #3 a3",
                    "BID 100.00 1.00 #5 a2",
                    "BID 99.00 1.00 #4 a1");
        }

        @Test
        void restingBidLocksNotionalAtLimitPrice() {
            List<EngineEvent> events = s.bid(BOB, "100", "1.5");

            assertThat(describe(events)).containsExactly(
                    "Accepted #1 Bid Limit 100.00 x 1.50 GTC",
                    "Depth 1 bids [100.00=1.50] asks []");
            assertThat(balances(events)).containsExactly("a2 USDC 850.000000/150.000000");
        }

        @Test
        void crossingBidFillsAtMakerPriceAndRestsTheRemainder() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.bid(BOB, "102", "1.5");

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Limit 102.00 x 1.50 GTC",
                    "Trade 1 101.00 x 1.00 maker #1 taker #2 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Depth 2 bids [102.00=0.50] asks [101.00=0.00]");
            assertThat(balances(events)).containsExactly(
                    "a2 USDC 847.000000/153.000000",
                    // the 1.00 USDC price improvement goes back to available
                    "a2 USDC 848.000000/51.000000",
                    "a2 SOL 10.998000000/0.000000000",
                    "a1 SOL 9.000000000/0.000000000",
                    "a1 USDC 1100.899000/0.000000",
                    "a0 SOL 0.002000000/0.000000000",
                    "a0 USDC 0.101000/0.000000");
            assertThat(s.book()).containsExactly("BID 102.00 0.50 #2 a2");
        }

        @Test
        void crossingAskTakerPaysFeeInQuote() {
            s.bid(ALICE, "100", "1");

            List<EngineEvent> events = s.ask(BOB, "99", "1");

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Ask Limit 99.00 x 1.00 GTC",
                    "Trade 1 100.00 x 1.00 maker #1 taker #2 Ask fees 0.001000000 SOL / 0.200000 USDC",
                    "Filled #1",
                    "Filled #2",
                    "Depth 2 bids [100.00=0.00] asks []");
            assertThat(balances(events)).containsExactly(
                    "a2 SOL 9.000000000/1.000000000",
                    "a1 USDC 900.000000/0.000000",
                    "a1 SOL 10.999000000/0.000000000",
                    "a2 SOL 9.000000000/0.000000000",
                    "a2 USDC 1099.800000/0.000000",
                    "a0 SOL 0.001000000/0.000000000",
                    "a0 USDC 0.200000/0.000000");
            assertThat(s.book()).isEmpty();
        }

        @Test
        void partialFillKeepsTheMakersQueuePosition() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "101", "1");

            List<EngineEvent> events = s.bid(BOB, "101", "0.5");

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 101.00 x 0.50 GTC",
                    "Trade 1 101.00 x 0.50 maker #1 taker #3 Bid fees 0.050500 USDC / 0.001000000 SOL",
                    "Filled #3",
                    "Depth 3 bids [] asks [101.00=1.50]");
            assertThat(s.book()).containsExactly("ASK 101.00 0.50 #1 a1", "ASK 101.00 1.00 #2 a3");
        }

        @Test
        void bidWalksSeveralLevelsInPriceOrder() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "100", "1");
            s.ask(ALICE, "103", "1");

            List<EngineEvent> events = s.bid(BOB, "102", "3");

            assertThat(describe(events)).containsExactly(
                    "Accepted #4 Bid Limit 102.00 x 3.00 GTC",
                    "Trade 1 100.00 x 1.00 maker #2 taker #4 Bid fees 0.100000 USDC / 0.002000000 SOL",
                    "Filled #2",
                    "Trade 2 101.00 x 1.00 maker #1 taker #4 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Depth 4 bids [102.00=1.00] asks [100.00=0.00,101.00=0.00]");
            assertThat(s.book()).containsExactly("ASK 103.00 1.00 #3 a1", "BID 102.00 1.00 #4 a2");
            assertThat(s.balance(BOB, "USDC")).isEqualTo("697.000000/102.000000");
        }

        @Test
        void iocRemainderExpiresAndReleasesItsFunds() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("101"), qty("2"), 0,
                    TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Limit 101.00 x 2.00 IOC",
                    "Trade 1 101.00 x 1.00 maker #1 taker #2 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Expired #2 IMMEDIATE_OR_CANCEL executed 1.00",
                    "Depth 2 bids [] asks [101.00=0.00]");
            assertThat(balances(events)).last().isEqualTo("a2 USDC 899.000000/0.000000");
            assertThat(s.book()).isEmpty();
        }

        @Test
        void iocThatCannotTradeExpiresWithoutTouchingTheBook() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0,
                    TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Limit 100.00 x 1.00 IOC",
                    "Expired #2 IMMEDIATE_OR_CANCEL executed 0.00");
            assertThat(s.balance(BOB, "USDC")).isEqualTo("1000.000000/0.000000");
        }

        @Test
        void fokThatCannotFillCompletelyExpiresWithoutAnyFill() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "102", "1");
            List<String> before = s.book();

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("101"), qty("1.5"), 0,
                    TimeInForce.FOK, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 101.00 x 1.50 FOK",
                    "Expired #3 FILL_OR_KILL executed 0.00");
            assertThat(balances(events)).containsExactly(
                    "a2 USDC 848.500000/151.500000",
                    "a2 USDC 1000.000000/0.000000");
            assertThat(s.book()).isEqualTo(before);
        }

        @Test
        void fokThatCanFillCompletelyFills() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "102", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("102"), qty("1.5"), 0,
                    TimeInForce.FOK, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 102.00 x 1.50 FOK",
                    "Trade 1 101.00 x 1.00 maker #1 taker #3 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Trade 2 102.00 x 0.50 maker #2 taker #3 Bid fees 0.051000 USDC / 0.001000000 SOL",
                    "Filled #3",
                    "Depth 3 bids [] asks [101.00=0.00,102.00=0.50]");
        }

        @Test
        void fokCountsOwnOrdersAsBlockingUnderRejectTaker() {
            s.ask(BOB, "101", "1");
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("101"), qty("1"), 0,
                    TimeInForce.FOK, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 101.00 x 1.00 FOK",
                    "Expired #3 FILL_OR_KILL executed 0.00");
        }

        @Test
        void fokSkipsOwnOrdersUnderRejectMaker() {
            s.ask(BOB, "101", "1");
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("101"), qty("1"), 0,
                    TimeInForce.FOK, false, SelfTradePrevention.RejectMaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 101.00 x 1.00 FOK",
                    "Cancelled #1 SELF_TRADE_PREVENTION",
                    "Trade 1 101.00 x 1.00 maker #2 taker #3 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #2",
                    "Filled #3",
                    "Depth 3 bids [] asks [101.00=0.00]");
        }
    }

    @Nested
    class PostOnly {

        @Test
        void postOnlyThatWouldTakeIsRejectedWithoutStateChange() {
            s.ask(ALICE, "101", "1");
            EngineState before = s.engine.snapshot();

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("101"), qty("1"), 0,
                    TimeInForce.GTC, true, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly("Rejected a2 POST_ONLY_WOULD_TAKE");
            assertUnchangedExceptCounters(before, s.engine.snapshot());
        }

        @Test
        void postOnlyThatDoesNotCrossRests() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100.99"), qty("1"), 0,
                    TimeInForce.GTC, true, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Limit 100.99 x 1.00 GTC postOnly",
                    "Depth 2 bids [100.99=1.00] asks []");
        }

        @Test
        void postOnlyWithImmediateTimeInForceIsInvalid() {
            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0,
                    TimeInForce.IOC, true, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly("Rejected a2 INVALID_ORDER");
        }
    }

    @Nested
    class MarketOrders {

        @Test
        void marketBuyByQuantityWalksTheBookAndReleasesUnusedFunds() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "102", "1");

            List<EngineEvent> events = s.run(Command.PlaceOrder.market(s.next(), s.ts(), BOB, SYMBOL, Side.Bid,
                    qty("1.5")));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Market 1.50 IOC",
                    "Trade 1 101.00 x 1.00 maker #1 taker #3 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Trade 2 102.00 x 0.50 maker #2 taker #3 Bid fees 0.051000 USDC / 0.001000000 SOL",
                    "Filled #3",
                    "Depth 3 bids [] asks [101.00=0.00,102.00=0.50]");
            // locks everything available, then gives back what was not spent
            assertThat(balances(events).get(0)).isEqualTo("a2 USDC 0.000000/1000.000000");
            assertThat(balances(events)).last().isEqualTo("a2 USDC 848.000000/0.000000");
        }

        @Test
        void marketBuyByQuantityStopsWhenFundsRunOut() {
            s.ask(ALICE, "400", "5");
            s.ask(ALICE, "500", "5");

            List<EngineEvent> events = s.run(Command.PlaceOrder.market(s.next(), s.ts(), BOB, SYMBOL, Side.Bid,
                    qty("3")));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Market 3.00 IOC",
                    "Trade 1 400.00 x 2.50 maker #1 taker #3 Bid fees 1.000000 USDC / 0.005000000 SOL",
                    "Expired #3 IMMEDIATE_OR_CANCEL executed 2.50",
                    "Depth 3 bids [] asks [400.00=2.50]");
            assertThat(s.balance(BOB, "USDC")).isEqualTo("0.000000/0.000000");
        }

        @Test
        void marketBuyByQuoteQuantitySpendsAtMostThatMuch() {
            s.ask(ALICE, "101", "1");
            s.ask(CAROL, "102", "1");

            List<EngineEvent> events = s.run(Command.PlaceOrder.marketByQuote(s.next(), s.ts(), BOB, SYMBOL,
                    Side.Bid, usdc("150")));

            // 101.00 for the first SOL; 49.00 left buys 0.48 at 102 (48.96); 0.04 is less than one step
            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Market quote 150.000000 USDC IOC",
                    "Trade 1 101.00 x 1.00 maker #1 taker #3 Bid fees 0.101000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Trade 2 102.00 x 0.48 maker #2 taker #3 Bid fees 0.048960 USDC / 0.000960000 SOL",
                    "Expired #3 IMMEDIATE_OR_CANCEL executed 1.48",
                    "Depth 3 bids [] asks [101.00=0.00,102.00=0.52]");
            assertThat(balances(events).get(0)).isEqualTo("a2 USDC 850.000000/150.000000");
            assertThat(s.balance(BOB, "USDC")).isEqualTo("850.040000/0.000000");
        }

        @Test
        void marketBuyByQuoteQuantityThatIsSpentExactlyIsFilled() {
            s.ask(ALICE, "100", "1");

            List<EngineEvent> events = s.run(Command.PlaceOrder.marketByQuote(s.next(), s.ts(), BOB, SYMBOL,
                    Side.Bid, usdc("50")));

            assertThat(describe(events)).contains("Filled #2");
            assertThat(s.book()).containsExactly("ASK 100.00 0.50 #1 a1");
        }

        @Test
        void marketSellByQuoteQuantityLocksBaseAndReceivesAtMostThatQuote() {
            s.bid(ALICE, "100", "2");

            List<EngineEvent> events = s.run(Command.PlaceOrder.marketByQuote(s.next(), s.ts(), BOB, SYMBOL,
                    Side.Ask, usdc("150")));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Ask Market quote 150.000000 USDC IOC",
                    "Trade 1 100.00 x 1.50 maker #1 taker #2 Ask fees 0.001500000 SOL / 0.300000 USDC",
                    "Filled #2",
                    "Depth 2 bids [100.00=0.50] asks []");
            assertThat(s.balance(BOB, "SOL")).isEqualTo("8.500000000/0.000000000");
        }

        @Test
        void marketSellIntoAnEmptyBookExpires() {
            List<EngineEvent> events = s.run(Command.PlaceOrder.market(s.next(), s.ts(), BOB, SYMBOL, Side.Ask,
                    qty("1")));

            assertThat(describe(events)).containsExactly(
                    "Accepted #1 Ask Market 1.00 IOC",
                    "Expired #1 IMMEDIATE_OR_CANCEL executed 0.00");
            assertThat(s.balance(BOB, "SOL")).isEqualTo("10.000000000/0.000000000");
        }

        @Test
        void marketFokByQuantityExpiresWithoutFillsWhenTheBookIsTooThin() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(BOB, Side.Bid, OrderType.Market, 0, qty("2"), 0,
                    TimeInForce.FOK, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Market 2.00 FOK",
                    "Expired #2 FILL_OR_KILL executed 0.00");
        }

        @Test
        void malformedMarketOrdersAreRejected() {
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Market, 0, qty("1"), usdc("1"),
                    TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_ORDER");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Market, 0, 0, 0,
                    TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_QUANTITY");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Market, 0, 0, usdc("1"),
                    TimeInForce.FOK, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_ORDER");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Market, 0, qty("1"), 0,
                    TimeInForce.IOC, true, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_ORDER");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Market, price("1"), qty("1"), 0,
                    TimeInForce.IOC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_PRICE");
        }
    }

    @Nested
    class SelfTradePreventionModes {

        @Test
        void rejectTakerExpiresTheTakerAndKeepsTheMaker() {
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(ALICE, Side.Bid, OrderType.Limit, price("101"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #2 Bid Limit 101.00 x 1.00 GTC",
                    "Expired #2 SELF_TRADE_PREVENTION executed 0.00");
            assertThat(s.book()).containsExactly("ASK 101.00 1.00 #1 a1");
        }

        @Test
        void rejectTakerKeepsFillsMadeBeforeReachingTheOwnOrder() {
            s.ask(BOB, "100", "1");
            s.ask(ALICE, "101", "1");

            List<EngineEvent> events = s.run(s.order(ALICE, Side.Bid, OrderType.Limit, price("101"), qty("2"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 101.00 x 2.00 GTC",
                    "Trade 1 100.00 x 1.00 maker #1 taker #3 Bid fees 0.100000 USDC / 0.002000000 SOL",
                    "Filled #1",
                    "Expired #3 SELF_TRADE_PREVENTION executed 1.00",
                    "Depth 3 bids [] asks [100.00=0.00]");
            assertThat(s.book()).containsExactly("ASK 101.00 1.00 #2 a1");
        }

        @Test
        void rejectMakerCancelsTheMakerAndContinues() {
            s.ask(ALICE, "101", "1");
            s.ask(BOB, "101.5", "1");

            List<EngineEvent> events = s.run(s.order(ALICE, Side.Bid, OrderType.Limit, price("102"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectMaker, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 102.00 x 1.00 GTC",
                    "Cancelled #1 SELF_TRADE_PREVENTION",
                    "Trade 1 101.50 x 1.00 maker #2 taker #3 Bid fees 0.101500 USDC / 0.002000000 SOL",
                    "Filled #2",
                    "Filled #3",
                    "Depth 3 bids [] asks [101.00=0.00,101.50=0.00]");
            assertThat(s.book()).isEmpty();
            assertThat(s.balance(ALICE, "SOL")).isEqualTo("10.998000000/0.000000000");
        }

        @Test
        void rejectBothCancelsTheMakerAndExpiresTheTaker() {
            s.ask(ALICE, "101", "1");
            s.ask(BOB, "101.5", "1");

            List<EngineEvent> events = s.run(s.order(ALICE, Side.Bid, OrderType.Limit, price("102"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectBoth, Order.NO_CLIENT_ID));

            assertThat(describe(events)).containsExactly(
                    "Accepted #3 Bid Limit 102.00 x 1.00 GTC",
                    "Cancelled #1 SELF_TRADE_PREVENTION",
                    "Expired #3 SELF_TRADE_PREVENTION executed 0.00",
                    "Depth 3 bids [] asks [101.00=0.00]");
            assertThat(s.book()).containsExactly("ASK 101.50 1.00 #2 a2");
            assertThat(s.balance(ALICE, "USDC")).isEqualTo("1000.000000/0.000000");
            assertThat(s.balance(ALICE, "SOL")).isEqualTo("10.000000000/0.000000000");
        }
    }

    @Nested
    class Funds {

        @Test
        void insufficientFundsRejectsWithoutStateChange() {
            s.bid(BOB, "500", "1");
            EngineState before = s.engine.snapshot();

            List<EngineEvent> events = s.bid(BOB, "500", "1.01");

            assertThat(describe(events)).containsExactly("Rejected a2 INSUFFICIENT_FUNDS");
            assertUnchangedExceptCounters(before, s.engine.snapshot());
            assertThat(describe(s.ask(BOB, "600", "10.01"))).containsExactly("Rejected a2 INSUFFICIENT_FUNDS");
            assertThat(describe(s.bid(99, "1", "1"))).containsExactly("Rejected a99 INSUFFICIENT_FUNDS");
        }

        @Test
        void lockedFundsCannotBeWithdrawnButTheRestCan() {
            s.bid(BOB, "100", "5");

            assertThat(describe(s.run(new Command.Withdraw(s.next(), s.ts(), BOB, "USDC", usdc("500.000001")))))
                    .containsExactly("Rejected a2 INSUFFICIENT_FUNDS");
            List<EngineEvent> ok = s.run(new Command.Withdraw(s.next(), s.ts(), BOB, "USDC", usdc("500")));
            assertThat(balances(ok)).containsExactly("a2 USDC 0.000000/500.000000");
        }

        @Test
        void depositAndWithdrawValidateAssetAndAmount() {
            assertThat(describe(s.run(new Command.Deposit(s.next(), s.ts(), BOB, "DOGE", 1))))
                    .containsExactly("Rejected a2 INVALID_ASSET");
            assertThat(describe(s.run(new Command.Deposit(s.next(), s.ts(), BOB, "USDC", 0))))
                    .containsExactly("Rejected a2 INVALID_AMOUNT");
            assertThat(describe(s.run(new Command.Withdraw(s.next(), s.ts(), BOB, "USDC", -5))))
                    .containsExactly("Rejected a2 INVALID_AMOUNT");
            assertThat(describe(s.run(new Command.Deposit(s.next(), s.ts(), BOB, "USDC", Long.MAX_VALUE))))
                    .containsExactly("Rejected a2 INVALID_AMOUNT");
            assertThat(describe(s.run(new Command.Withdraw(s.next(), s.ts(), 42, "USDC", 1))))
                    .containsExactly("Rejected a42 INSUFFICIENT_FUNDS");
            assertThat(balances(s.run(new Command.Deposit(s.next(), s.ts(), BOB, "BTC", 150_000_000))))
                    .containsExactly("a2 BTC 1.50000000/0.00000000");
        }

        @Test
        void cancelReleasesExactlyWhatIsStillLocked() {
            s.ask(ALICE, "101", "1");
            s.bid(BOB, "102", "2");
            assertThat(s.balance(BOB, "USDC")).isEqualTo("797.000000/102.000000");

            List<EngineEvent> events = s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, SYMBOL, 2));

            assertThat(describe(events)).containsExactly("Cancelled #2 REQUESTED",
                    "Depth 3 bids [102.00=0.00] asks []");
            assertThat(balances(events)).containsExactly("a2 USDC 899.000000/0.000000");
        }

        @Test
        void feeRoundsUpToTheSmallestUnit() {
            // 0.01 SOL at 0.01 USDC = 0.0001 USDC; 0.1% of it is 0.0000001, charged as 0.000001
            s.ask(ALICE, "0.01", "0.01");

            List<EngineEvent> events = s.bid(BOB, "0.01", "0.01");

            assertThat(describe(events)).contains(
                    "Trade 1 0.01 x 0.01 maker #1 taker #2 Bid fees 0.000001 USDC / 0.000020000 SOL");
        }

        @Test
        void feeArithmetic() {
            assertThat(MatchingEngine.fee(0, 1000)).isZero();
            assertThat(MatchingEngine.fee(1, 1)).isEqualTo(1);
            assertThat(MatchingEngine.fee(1_000_000, 1)).isEqualTo(1);
            assertThat(MatchingEngine.fee(1_000_001, 1)).isEqualTo(2);
            assertThat(MatchingEngine.fee(123_456_789, 0)).isZero();
            assertThat(MatchingEngine.fee(Long.MAX_VALUE, 1_000_000)).isEqualTo(Long.MAX_VALUE);
            assertThat(MatchingEngine.fee(Long.MAX_VALUE, 999_999)).isLessThan(Long.MAX_VALUE);
        }

        @Test
        void feeAccountCannotTrade() {
            s.run(new Command.Deposit(s.next(), s.ts(), MatchingEngine.FEE_ACCOUNT_ID, "USDC", usdc("100")));

            assertThat(describe(s.bid(MatchingEngine.FEE_ACCOUNT_ID, "1", "1")))
                    .containsExactly("Rejected a0 INVALID_ACCOUNT");
        }

        @Test
        void orderValueThatOverflowsIsRejected() {
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, Long.MAX_VALUE / 2, 10, 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_QUANTITY");
            assertThat(describe(s.run(s.order(BOB, Side.Ask, OrderType.Limit, 1, Long.MAX_VALUE / 1000, 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_QUANTITY");
        }

        @Test
        void limitOrderValidation() {
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, 0, qty("1"), 0, TimeInForce.GTC,
                    false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_PRICE");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("1"), -1, 0, TimeInForce.GTC,
                    false, SelfTradePrevention.RejectTaker, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_QUANTITY");
            EngineScenario strict = new EngineScenario();
            strict.run(new Command.CreateMarket(strict.next(), strict.ts(),
                    new MarketSpec("BTC_USDC", "BTC", "USDC", "0.1", "0.0001", "0.001", 0, 0)));
            assertThat(describe(strict.run(new Command.PlaceOrder(strict.next(), strict.ts(), BOB, "BTC_USDC",
                    Side.Bid, OrderType.Limit, 1, 9, 0, null, false, null, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 QUANTITY_BELOW_MINIMUM");
            assertThat(describe(s.run(new Command.PlaceOrder(s.next(), s.ts(), BOB, "ETH_USDC", Side.Bid,
                    OrderType.Limit, 1, 1, 0, null, false, null, Order.NO_CLIENT_ID))))
                    .containsExactly("Rejected a2 INVALID_MARKET");
        }
    }

    @Nested
    class ClientIds {

        @Test
        void duplicateOpenClientIdIsRejectedButMayBeReusedOnceClosed() {
            s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0, TimeInForce.GTC, false,
                    SelfTradePrevention.RejectTaker, 7));

            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("99"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 7))))
                    .containsExactly("Rejected a2 DUPLICATE_CLIENT_ID");
            // another account may use the same client id
            assertThat(describe(s.run(s.order(ALICE, Side.Bid, OrderType.Limit, price("99"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 7)))).first().asString()
                    .startsWith("Accepted #2");

            assertThat(describe(s.run(Command.CancelOrder.byClientId(s.next(), s.ts(), BOB, SYMBOL, 7))))
                    .first().isEqualTo("Cancelled #1 REQUESTED");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("99"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 7)))).first().asString()
                    .startsWith("Accepted #3");
        }

        @Test
        void clientIdMustBeAnUnsigned32BitNumber() {
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 4_294_967_296L))))
                    .containsExactly("Rejected a2 INVALID_CLIENT_ID");
            assertThat(describe(s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0,
                    TimeInForce.GTC, false, SelfTradePrevention.RejectTaker, 4_294_967_295L)))).first().asString()
                    .startsWith("Accepted");
            EngineEvent.OrderAccepted accepted = (EngineEvent.OrderAccepted) s.run(s.order(BOB, Side.Bid,
                    OrderType.Limit, price("100"), qty("1"), 0, TimeInForce.GTC, false,
                    SelfTradePrevention.RejectTaker, 0)).get(0);
            assertThat(accepted.order().clientId()).isZero();
        }
    }

    @Nested
    class Cancels {

        @Test
        void cancelByOrderIdOnlyForTheOwnerAndTheRightMarket() {
            s.bid(BOB, "100", "1");

            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), ALICE, SYMBOL, 1))))
                    .containsExactly("Rejected a1 ORDER_NOT_FOUND");
            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, SYMBOL, 99))))
                    .containsExactly("Rejected a2 ORDER_NOT_FOUND");
            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, "X_Y", 1))))
                    .containsExactly("Rejected a2 INVALID_MARKET");
            assertThat(describe(s.run(Command.CancelOrder.byClientId(s.next(), s.ts(), BOB, SYMBOL, 5))))
                    .containsExactly("Rejected a2 ORDER_NOT_FOUND");
            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, SYMBOL, 1))))
                    .containsExactly("Cancelled #1 REQUESTED", "Depth 2 bids [100.00=0.00] asks []");
            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, SYMBOL, 1))))
                    .containsExactly("Rejected a2 ORDER_NOT_FOUND");
        }

        @Test
        void cancelAllPerMarketPerAccountAndAcrossMarkets() {
            s.run(new Command.Deposit(s.next(), s.ts(), BOB, "BTC", 100_000_000));
            s.run(new Command.CreateMarket(s.next(), s.ts(),
                    new MarketSpec("BTC_USDC", "BTC", "USDC", "0.01", "0.0001", "0.0001", 0, 0)));
            s.bid(BOB, "100", "1");
            s.ask(BOB, "110", "1");
            s.bid(ALICE, "99", "1");
            s.run(new Command.PlaceOrder(s.next(), s.ts(), BOB, "BTC_USDC", Side.Ask, OrderType.Limit, 5_000_000, 10,
                    0, null, false, null, Order.NO_CLIENT_ID));

            List<EngineEvent> one = s.run(new Command.CancelAll(s.next(), s.ts(), BOB, SYMBOL));
            assertThat(describe(one)).containsExactly(
                    "Cancelled #1 REQUESTED",
                    "Cancelled #2 REQUESTED",
                    "Depth 4 bids [100.00=0.00] asks [110.00=0.00]");
            assertThat(s.book()).containsExactly("BID 99.00 1.00 #3 a1");

            s.bid(BOB, "98", "1");
            List<EngineEvent> all = s.run(new Command.CancelAll(s.next(), s.ts(), BOB, null));
            assertThat(all).filteredOn(e -> e instanceof EngineEvent.OrderCancelled)
                    .extracting(e -> ((EngineEvent.OrderCancelled) e).order().orderId()).containsExactly(4L, 5L);
            assertThat(all).filteredOn(e -> e instanceof EngineEvent.DepthChanged)
                    .extracting(e -> ((EngineEvent.DepthChanged) e).symbol()).containsExactly(SYMBOL, "BTC_USDC");
            assertThat(s.book()).containsExactly("BID 99.00 1.00 #3 a1");

            assertThat(s.run(new Command.CancelAll(s.next(), s.ts(), BOB, null))).isEmpty();
            assertThat(describe(s.run(new Command.CancelAll(s.next(), s.ts(), BOB, "NOPE_USDC"))))
                    .containsExactly("Rejected a2 INVALID_MARKET");
        }
    }

    @Nested
    class Markets {

        @Test
        void createMarketValidatesGridAgainstAssetDecimals() {
            assertThat(create("SOL_USDC", "SOL", "USDC", "0.01", "0.01", "0.01", 0, 0))
                    .as("duplicate").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("SOL_BTC", "SOL", "BTC", "0.000000001", "0.01", "0.01", 0, 0))
                    .as("tick finer than quote decimals").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_SOL", "BTC", "SOL", "0.01", "0.000000001", "0.01", 0, 0))
                    .as("step finer than base decimals").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0.000001", "0.00000001", "0.00000001", 0, 0))
                    .as("tick*step finer than quote decimals").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0.01", "0.0001", "0.00015", 0, 0))
                    .as("minimum off step").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0.01", "0.0001", "0.0001", 1_000_001, 0))
                    .as("fee above 100%").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0.01", "0.0001", "0.0001", -1, 0))
                    .as("negative fee").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("ETH_USDC", "ETH", "USDC", "0.01", "0.0001", "0.0001", 0, 0))
                    .as("unknown asset").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0", "0.0001", "0.0001", 0, 0))
                    .as("zero tick").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("btc-usdc", "BTC", "USDC", "0.01", "0.0001", "0.0001", 0, 0))
                    .as("bad symbol").isEqualTo("Rejected a-1 INVALID_MARKET_SPEC");
            assertThat(create("BTC_USDC", "BTC", "USDC", "0.01", "0.0001", "0.0001", 0, 0))
                    .isEqualTo("Market BTC_USDC");
        }

        private String create(String symbol, String base, String quote, String tick, String step, String min,
                int maker, int taker) {
            List<EngineEvent> events = s.run(new Command.CreateMarket(s.next(), s.ts(),
                    new MarketSpec(symbol, base, quote, tick, step, min, maker, taker)));
            assertThat(events).hasSize(1);
            return describe(events.get(0));
        }

        @Test
        void createAssetValidatesNameDecimalsAndUniqueness() {
            assertThat(describe(s.run(new Command.CreateAsset(s.next(), s.ts(), "USDC", 6))))
                    .containsExactly("Rejected a-1 INVALID_ASSET_SPEC");
            assertThat(describe(s.run(new Command.CreateAsset(s.next(), s.ts(), "ETH", 19))))
                    .containsExactly("Rejected a-1 INVALID_ASSET_SPEC");
            assertThat(describe(s.run(new Command.CreateAsset(s.next(), s.ts(), "eth", 8))))
                    .containsExactly("Rejected a-1 INVALID_ASSET_SPEC");
            assertThat(describe(s.run(new Command.CreateAsset(s.next(), s.ts(), "ETH", 8))))
                    .containsExactly("Asset ETH");
        }

        @Test
        void haltedMarketRejectsNewOrdersButAllowsCancels() {
            s.bid(BOB, "100", "1");

            assertThat(describe(s.run(new Command.SetMarketStatus(s.next(), s.ts(), SYMBOL, MarketStatus.Halted))))
                    .containsExactly("Market SOL_USDC Halted");
            assertThat(describe(s.bid(BOB, "100", "1"))).containsExactly("Rejected a2 MARKET_HALTED");
            assertThat(describe(s.run(Command.CancelOrder.byOrderId(s.next(), s.ts(), BOB, SYMBOL, 1))))
                    .first().isEqualTo("Cancelled #1 REQUESTED");
            assertThat(describe(s.run(new Command.SetMarketStatus(s.next(), s.ts(), SYMBOL, MarketStatus.Open))))
                    .containsExactly("Market SOL_USDC Open");
            assertThat(describe(s.bid(BOB, "100", "1"))).first().asString().startsWith("Accepted #2");
            assertThat(describe(s.run(new Command.SetMarketStatus(s.next(), s.ts(), "NOPE_USDC",
                    MarketStatus.Open)))).containsExactly("Rejected a-1 INVALID_MARKET");
        }
    }

    @Nested
    class EventStream {

        @Test
        void everyEventCarriesContiguousSequenceAndItsCommand() {
            s.ask(ALICE, "101", "1");
            long commandId = s.next();
            Command.PlaceOrder bid = new Command.PlaceOrder(commandId, 42L, BOB, SYMBOL, Side.Bid, OrderType.Limit,
                    price("101"), qty("1"), 0, null, false, null, Order.NO_CLIENT_ID);

            List<EngineEvent> events = s.run(bid);

            assertThat(events).allSatisfy(e -> {
                assertThat(e.commandId()).isEqualTo(commandId);
                assertThat(e.timestamp()).isEqualTo(42L);
            });
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).sequence()).isEqualTo(events.get(i - 1).sequence() + 1);
            }
            assertThat(s.engine.snapshot().nextSequence()).isEqualTo(events.getLast().sequence() + 1);
            assertThat(((EngineEvent.OrderAccepted) events.get(0)).order().createdAt()).isEqualTo(42L);
        }

        @Test
        void depthUpdateIdsIncreaseByOnePerCommandThatChangesTheBook() {
            s.bid(BOB, "100", "1");
            s.bid(BOB, "99", "1");
            s.run(new Command.Deposit(s.next(), s.ts(), BOB, "USDC", 1));
            s.bid(BOB, "1000000", "1");
            s.ask(ALICE, "100", "1.5");

            EngineState state = s.engine.snapshot();
            assertThat(state.markets().get(0).depthUpdateId()).isEqualTo(3);
        }

        @Test
        void restoredEngineContinuesExactlyLikeTheOriginal() {
            s.ask(ALICE, "101", "1");
            s.run(s.order(BOB, Side.Bid, OrderType.Limit, price("100"), qty("1"), 0, TimeInForce.GTC, false,
                    SelfTradePrevention.RejectTaker, 11));
            s.bid(CAROL, "100", "2");
            s.ask(CAROL, "101", "0.5");
            EngineState state = s.engine.snapshot();
            EventRecorder restoredEvents = new EventRecorder();
            MatchingEngine restored = MatchingEngine.restore(state, restoredEvents);
            assertThat(restored.snapshot()).isEqualTo(state);

            List<Command> next = List.of(
                    s.limit(ALICE, Side.Ask, "99", "2.5"),
                    Command.CancelOrder.byClientId(s.next(), s.ts(), BOB, SYMBOL, 11),
                    s.limit(BOB, Side.Bid, "102", "1"));
            for (Command c : next) {
                restored.apply(c);
                assertThat(restoredEvents.drain()).isEqualTo(s.run(c));
            }
            assertThat(restored.snapshot()).isEqualTo(s.engine.snapshot());
        }

        @Test
        void orderEventsCarryTheBackpackOrderFields() {
            EngineEvent.OrderAccepted accepted = (EngineEvent.OrderAccepted) s.run(s.order(BOB, Side.Bid,
                    OrderType.Limit, price("100"), qty("1"), 0, TimeInForce.GTC, true, SelfTradePrevention.RejectBoth,
                    9)).get(0);

            OrderSnapshot o = accepted.order();
            assertThat(o.orderId()).isEqualTo(1);
            assertThat(o.accountId()).isEqualTo(BOB);
            assertThat(o.clientId()).isEqualTo(9);
            assertThat(o.symbol()).isEqualTo(SYMBOL);
            assertThat(o.side()).isEqualTo(Side.Bid);
            assertThat(o.type()).isEqualTo(OrderType.Limit);
            assertThat(o.price()).isEqualTo(price("100"));
            assertThat(o.quantity()).isEqualTo(qty("1"));
            assertThat(o.status()).isEqualTo(OrderStatus.New);
            assertThat(o.timeInForce()).isEqualTo(TimeInForce.GTC);
            assertThat(o.postOnly()).isTrue();
            assertThat(o.selfTradePrevention()).isEqualTo(SelfTradePrevention.RejectBoth);
            assertThat(o.locked()).isEqualTo(usdc("100"));
        }
    }

    private static void assertUnchangedExceptCounters(EngineState before, EngineState after) {
        assertThat(after.balances()).isEqualTo(before.balances());
        assertThat(after.markets()).isEqualTo(before.markets());
        assertThat(after.nextOrderId()).isEqualTo(before.nextOrderId());
        assertThat(after.nextTradeId()).isEqualTo(before.nextTradeId());
    }
}
