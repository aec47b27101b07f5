package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class ReportTests {

    @Test
    void statsAggregatePerKindWithPercentilesAndOutcomes() {
        Stats stats = new Stats();
        for (int i = 1; i <= 1000; i++) {
            stats.action(Stats.Kind.LIMIT, i * 1_000_000L, true);   // 1..1000 ms
            stats.orderAccepted();
        }
        stats.action(Stats.Kind.CANCEL, 2_000_000, false);
        stats.outcome("cancel", 404, "RESOURCE_NOT_FOUND");
        stats.outcome("market", 400, "INSUFFICIENT_FUNDS");
        stats.outcome("market", 400, "INSUFFICIENT_FUNDS");
        stats.delivered(Stats.Stream.DEPTH, 5_000);
        stats.delivered(Stats.Stream.TRADE, -20);   // clocks disagree: recorded as 0, not lost

        Stats.Snapshot s = stats.snapshot();

        assertThat(s.actions()).isEqualTo(1001);
        assertThat(s.ordersAccepted()).isEqualTo(1000);
        Stats.KindResult limit = s.kinds().get(Stats.Kind.LIMIT);
        assertThat(limit.sent()).isEqualTo(1000);
        assertThat(limit.ok()).isEqualTo(1000);
        assertThat(limit.latencyMicros().getValueAtPercentile(50) / 1000.0).isBetween(499.0, 501.0);
        assertThat(limit.latencyMicros().getValueAtPercentile(99) / 1000.0).isBetween(989.0, 991.0);
        assertThat(s.kinds().get(Stats.Kind.CANCEL).ok()).isZero();
        assertThat(s.errors()).containsExactly(Map.entry("cancel 404 RESOURCE_NOT_FOUND", 1L),
                Map.entry("market 400 INSUFFICIENT_FUNDS", 2L));
        assertThat(s.allDelivery().getTotalCount()).isEqualTo(2);
        assertThat(s.allDelivery().getMinValue()).isZero();
    }

    @Test
    void tableAndJsonCarryTheSameNumbers() {
        Stats stats = new Stats();
        for (int i = 0; i < 300; i++) {
            stats.action(Stats.Kind.MARKET, 3_000_000, true);
            stats.orderAccepted();
            stats.httpRequest();
        }
        stats.outcome("replace/cancel", 404, "RESOURCE_NOT_FOUND");
        Report.Result result = new Report.Result(
                new Report.Setup("open", 1000, 64, 32, 8, 4, "SOL_USDC", 5, 1, "100"), 30,
                stats.snapshot(), 17, new Report.StreamCounts(10, 20, 30, 0, 0, 0),
                List.of(new Report.ProcessUse("router", 42, new ProcessStats.Sample(42, true, 100, 2048, 1),
                        new ProcessStats.Sample(42, true, 1600, 4096, 1), 30, 100L << 20, 200L << 20, 300L << 20)),
                Map.of("ListenOverflows", 12L),
                List.of(new Verifier.Check("orders", true, "300 acknowledged orders", List.of()),
                        new Verifier.Check("books", false, "1/2 equal", List.of("client 1: at update 3, REST at 4"))));

        String table = Report.table(result);
        assertThat(table).contains("Orders accepted: 300 (10.0/s)")
                .contains("from the intended send time")
                .containsPattern("market\\s+300\\s+300\\s+3\\.00\\s+3\\.00\\s+3\\.00\\s+3\\.00\\s+3\\.00")
                .contains("replace/cancel 404 RESOURCE_NOT_FOUND")
                .containsPattern("router\\s+42\\s+1\\s+15\\.00\\s+50%\\s+50\\.00\\s+2\\s+4\\s+100 / 300 / 200")
                .contains("Most actions in flight at once: 17")
                .contains("TCP during the window (whole machine): ListenOverflows 12")
                .contains("[PASS] orders").contains("[FAIL] books").contains("client 1: at update 3, REST at 4");
        assertThat(result.passed()).isFalse();

        JsonNode json = Json.parse(Json.write(Report.json(result)));
        assertThat(json.get("throughput").get("ordersAcceptedPerSecond").asDouble()).isEqualTo(10.0);
        // HdrHistogram reports the highest value equivalent to the recorded one (3 significant digits).
        assertThat(json.get("ackLatencyMillis").get("market").get("p99").asDouble()).isCloseTo(3.0, within(0.01));
        assertThat(json.get("ackLatencyMillis").get("limit").get("p99").isNull()).isTrue();
        assertThat(json.get("errors").get(0).get("step").asString()).isEqualTo("replace/cancel");
        assertThat(json.get("errors").get(0).get("status").asInt()).isEqualTo(404);
        assertThat(json.get("processes").get(0).get("cpuSeconds").asDouble()).isEqualTo(15.0);
        assertThat(json.get("verification").get(1).get("passed").asBoolean()).isFalse();
        assertThat(json.get("passed").asBoolean()).isFalse();
    }

    @Test
    void heapIsTheSumOfTheHeapPoolsInThePrometheusText() {
        String metrics = """
                # HELP jvm_memory_used_bytes The amount of used memory
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
                jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 0.0
                """;
        assertThat(HeapProbe.parse(metrics)).isEqualTo(31_457_280L);
        assertThat(HeapProbe.parse("nothing")).isEqualTo(-1);
    }

    @Test
    void procFilesAreParsedEvenWithSpacesInTheCommandName() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 30 0 100 "
                + "1000000 5000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessStats.cpuTicks(stat)).isEqualTo(250 + 50 + 7 + 3);
        assertThat(ProcessStats.rssKb("Name:\tjava\nVmPeak:\t  1 kB\nVmRSS:\t  123456 kB\nThreads: 9\n"))
                .isEqualTo(123456);
        assertThat(ProcessStats.rssKb("Name:\tkthreadd\n")).isZero();
        assertThat(ProcessStats.tcpCounters("TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPSynRetrans",
                "TcpExt: 0 7 8 9")).containsExactly(Map.entry("ListenOverflows", 7L), Map.entry("ListenDrops", 8L),
                Map.entry("TCPSynRetrans", 9L));
    }

    @Test
    void ordersAreComparedExactlyWhenFinalOrWatchedAndMayOnlyProgressOtherwise() {
        BigDecimal zero = BigDecimal.ZERO;
        OrderTracker.Seen open = new OrderTracker.Seen(1, 7, "New", zero, false, false, null);
        assertThat(Verifier.compare(open, new Verifier.DbOrder(7, "Filled", new BigDecimal("1.5")), false)).isNull();
        assertThat(Verifier.compare(open, new Verifier.DbOrder(7, "Filled", new BigDecimal("1.5")), true))
                .contains("private stream");
        assertThat(Verifier.compare(open, new Verifier.DbOrder(7, "Cancelled", zero), false))
                .contains("never cancelled");
        assertThat(Verifier.compare(open, null, false)).contains("not in PostgreSQL");
        OrderTracker.Seen gone = new OrderTracker.Seen(1, 7, "New", zero, true, true, null);
        assertThat(Verifier.compare(gone, new Verifier.DbOrder(7, "New", zero), false)).contains("gone");
        OrderTracker.Seen filled = new OrderTracker.Seen(1, 7, "Filled", BigDecimal.ONE, false, false, null);
        assertThat(Verifier.compare(filled, new Verifier.DbOrder(7, "Filled", new BigDecimal("1.00")), false)).isNull();
    }

    @Test
    void trackerKeepsTheMostAdvancedStateWhateverArrivesFirst() {
        OrderTracker tracker = new OrderTracker();
        tracker.observe(5, 1, "PartiallyFilled", new BigDecimal("0.5"));
        tracker.observe(5, 1, "New", BigDecimal.ZERO);               // the late HTTP answer
        assertThat(tracker.all().get(5L).status()).isEqualTo("PartiallyFilled");
        tracker.observe(5, 1, "Cancelled", new BigDecimal("0.5"));
        tracker.observe(5, 1, "PartiallyFilled", new BigDecimal("0.5"));
        assertThat(tracker.all().get(5L).status()).isEqualTo("Cancelled");
        assertThat(tracker.all().get(5L).conflict()).isNull();
        tracker.observe(5, 1, "Filled", BigDecimal.ONE);
        assertThat(tracker.all().get(5L).conflict()).contains("Cancelled 0.5 then Filled 1");
    }
}
