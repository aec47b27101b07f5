package exchange.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * Renders a run's results twice: a table for people (stdout) and a JSON document for tools ({@code --report}).
 * Latencies are kept in microseconds and printed in milliseconds. Pure: no I/O.
 */
final class Report {

    /** The fixed part of a run: what was driven and how. */
    record Setup(String mode, double rate, int concurrency, int accounts, int wsClients, int privateClients,
            String market, double warmupSeconds, long seed, String startMid) {
    }

    /**
     * CPU and RSS of one process (tree) between two samples taken {@code wallSeconds} apart, and for the JVM apps
     * the heap in use at the start, at the end and the most seen in between (bytes; -1 = unknown).
     */
    record ProcessUse(String name, long pid, ProcessStats.Sample start, ProcessStats.Sample end,
            double wallSeconds, long heapStart, long heapEnd, long heapMax) {

        double cpuSeconds() {
            return (end.cpuTicks() - start.cpuTicks()) / (double) ProcessStats.TICKS_PER_SECOND;
        }

        /** 100 % = one core busy for the whole window. */
        double cpuPercent() {
            return wallSeconds <= 0 ? 0 : 100 * cpuSeconds() / wallSeconds;
        }
    }

    /** Message counts of the WebSocket clients, summed. */
    record StreamCounts(long depth, long trade, long orderUpdate, long fillAfterFinal, long gaps, long closed) {
    }

    /** @param maxInFlight the most actions unanswered at once (open loop; the concurrency in the closed loop) */
    /** @param tcp system-wide TCP counters' increase over the window ({@link ProcessStats#tcpCounters}) */
    record Result(Setup setup, double measuredSeconds, Stats.Snapshot stats, long maxInFlight, StreamCounts streams,
            List<ProcessUse> processes, Map<String, Long> tcp, List<Verifier.Check> checks) {

        boolean passed() {
            return checks.stream().allMatch(Verifier.Check::passed);
        }
    }

    private static final double[] ACK_PERCENTILES = {50, 90, 99, 99.9};
    private static final double[] WS_PERCENTILES = {50, 99, 99.9};

    private Report() {
    }

    static String table(Result r) {
        StringBuilder out = new StringBuilder();
        Setup s = r.setup();
        Stats.Snapshot st = r.stats();
        out.append(String.format(Locale.ROOT, "%nLoad run: mode %s%s, %d accounts, %d WebSocket clients (%d private), "
                + "market %s from mid %s, warm-up %.0f s, measured %.1f s, seed %d%n", s.mode(),
                s.mode().equals("open") ? " at " + number(s.rate()) + " actions/s" : " with " + s.concurrency()
                        + " clients", s.accounts(), s.wsClients(), s.privateClients(), s.market(), s.startMid(),
                s.warmupSeconds(), r.measuredSeconds(), s.seed()));
        out.append(String.format(Locale.ROOT, "Orders accepted: %s (%s/s); actions %s (%s/s); HTTP requests %s (%s/s)%s%n",
                number(st.ordersAccepted()), rate(st.ordersAccepted(), r.measuredSeconds()),
                number(st.actions()), rate(st.actions(), r.measuredSeconds()),
                number(st.httpRequests()), rate(st.httpRequests(), r.measuredSeconds()),
                st.dropped() == 0 ? "" : "; " + number(st.dropped()) + " arrivals dropped (too many unanswered)"));
        if (s.mode().equals("open")) {
            out.append(String.format("Most actions in flight at once: %s%n", number(r.maxInFlight())));
        }

        out.append(String.format("%nAcknowledgement latency (ms)%s%n", s.mode().equals("open")
                ? ", from the intended send time" : ", from the send time"));
        out.append(String.format("%-14s %9s %9s %9s %9s %9s %9s %9s%n", "kind", "count", "ok", "p50", "p90",
                "p99", "p99.9", "max"));
        Histogram allAck = new Histogram(3);
        for (Map.Entry<Stats.Kind, Stats.KindResult> e : st.kinds().entrySet()) {
            Stats.KindResult k = e.getValue();
            allAck.add(k.latencyMicros());
            out.append(ackRow(e.getKey().label, k.sent(), k.ok(), k.latencyMicros()));
        }
        out.append(ackRow("all", st.actions(), st.kinds().values().stream().mapToLong(Stats.KindResult::ok).sum(),
                allAck));

        out.append(String.format("%nWebSocket delivery latency (ms), receipt minus the event's E%n"));
        out.append(String.format("%-14s %9s %9s %9s %9s %9s%n", "stream", "messages", "p50", "p99", "p99.9", "max"));
        for (Map.Entry<Stats.Stream, Histogram> e : st.delivery().entrySet()) {
            out.append(wsRow(e.getKey().label, e.getValue()));
        }
        out.append(wsRow("all", st.allDelivery()));
        StreamCounts c = r.streams();
        out.append(String.format("(whole run: %s depth, %s trade, %s orderUpdate messages; %d gap(s); %d connection(s) "
                + "closed by the server; %d orderFill(s) after the order's orderCancelled/orderExpired)%n",
                number(c.depth()), number(c.trade()), number(c.orderUpdate()), c.gaps(), c.closed(),
                c.fillAfterFinal()));

        out.append(String.format("%nOutcomes other than 200 (step, HTTP status, code; status 0 = no answer)%n"));
        if (st.errors().isEmpty()) {
            out.append("none\n");
        }
        st.errors().forEach((key, count) -> out.append(String.format("%-60s %9s%n", key, number(count))));

        out.append(String.format("%nProcesses (CPU over the measured window incl. drain; RSS summed over the process tree)%n"));
        out.append(String.format("%-10s %8s %5s %8s %6s %12s %9s %9s %22s%n", "process", "pid", "procs",
                "CPU s", "CPU %", "CPU ms/order", "RSS MB", "RSS MB", "heap MB start/max/end"));
        out.append(String.format("%-10s %8s %5s %8s %6s %12s %9s %9s%n", "", "", "", "", "", "", "start", "end"));
        for (ProcessUse p : r.processes()) {
            out.append(String.format(Locale.ROOT, "%-10s %8d %5d %8.2f %5.0f%% %12s %9.0f %9.0f %22s%n", p.name(),
                    p.pid(), p.end().processes(), p.cpuSeconds(), p.cpuPercent(),
                    st.ordersAccepted() == 0 ? "-" : String.format(Locale.ROOT, "%.2f",
                            1000 * p.cpuSeconds() / st.ordersAccepted()),
                    p.start().rssKb() / 1024.0, p.end().rssKb() / 1024.0,
                    p.heapMax() < 0 ? "-" : mb(p.heapStart()) + " / " + mb(p.heapMax()) + " / " + mb(p.heapEnd())));
        }

        if (!r.tcp().isEmpty()) {
            StringBuilder tcp = new StringBuilder();
            r.tcp().forEach((name, delta) -> tcp.append(tcp.isEmpty() ? "" : ", ").append(name).append(' ')
                    .append(number(delta)));
            out.append("TCP during the window (whole machine): ").append(tcp)
                    .append(" (accept queue full: clients wait 1 s, 3 s, ... to retry the handshake)\n");
        }

        out.append(String.format("%nVerification%n"));
        if (r.checks().isEmpty()) {
            out.append("skipped\n");
        }
        for (Verifier.Check check : r.checks()) {
            out.append(String.format("[%s] %-13s %s%n", check.passed() ? "PASS" : "FAIL", check.name(),
                    check.summary()));
            for (String detail : check.details()) {
                out.append("         ").append(detail).append('\n');
            }
        }
        return out.toString();
    }

    private static String ackRow(String label, long count, long ok, Histogram h) {
        StringBuilder row = new StringBuilder(String.format("%-14s %9s %9s", label, number(count), number(ok)));
        for (double p : ACK_PERCENTILES) {
            row.append(String.format(" %9s", ms(h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(p))));
        }
        return row.append(String.format(" %9s%n", ms(h.getTotalCount() == 0 ? -1 : h.getMaxValue()))).toString();
    }

    private static String wsRow(String label, Histogram h) {
        StringBuilder row = new StringBuilder(String.format("%-14s %9s", label, number(h.getTotalCount())));
        for (double p : WS_PERCENTILES) {
            row.append(String.format(" %9s", ms(h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(p))));
        }
        return row.append(String.format(" %9s%n", ms(h.getTotalCount() == 0 ? -1 : h.getMaxValue()))).toString();
    }

    static Map<String, Object> json(Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        Setup s = r.setup();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("mode", s.mode());
        if (s.mode().equals("open")) {
            setup.put("rate", s.rate());
        } else {
            setup.put("concurrency", s.concurrency());
        }
        setup.put("accounts", s.accounts());
        setup.put("wsClients", s.wsClients());
        setup.put("privateClients", s.privateClients());
        setup.put("market", s.market());
        setup.put("startMid", s.startMid());
        setup.put("warmupSeconds", s.warmupSeconds());
        setup.put("seed", s.seed());
        root.put("setup", setup);
        root.put("measuredSeconds", r.measuredSeconds());
        Stats.Snapshot st = r.stats();
        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("ordersAccepted", st.ordersAccepted());
        throughput.put("ordersAcceptedPerSecond", perSecond(st.ordersAccepted(), r.measuredSeconds()));
        throughput.put("actions", st.actions());
        throughput.put("actionsPerSecond", perSecond(st.actions(), r.measuredSeconds()));
        throughput.put("httpRequests", st.httpRequests());
        throughput.put("httpRequestsPerSecond", perSecond(st.httpRequests(), r.measuredSeconds()));
        throughput.put("droppedArrivals", st.dropped());
        throughput.put("maxInFlight", r.maxInFlight());
        root.put("throughput", throughput);
        Map<String, Object> ack = new LinkedHashMap<>();
        st.kinds().forEach((kind, k) -> {
            Map<String, Object> row = latency(k.latencyMicros(), ACK_PERCENTILES);
            row.put("count", k.sent());
            row.put("ok", k.ok());
            ack.put(kind.label, row);
        });
        root.put("ackLatencyMillis", ack);
        Map<String, Object> ws = new LinkedHashMap<>();
        st.delivery().forEach((stream, h) -> ws.put(stream.label, latency(h, WS_PERCENTILES)));
        ws.put("all", latency(st.allDelivery(), WS_PERCENTILES));
        root.put("wsDeliveryLatencyMillis", ws);
        root.put("streams", r.streams());
        List<Map<String, Object>> errors = new ArrayList<>();
        st.errors().forEach((key, count) -> {
            String[] parts = key.split(" ", 3);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", parts[0]);
            e.put("status", Integer.parseInt(parts[1]));
            e.put("code", parts.length > 2 ? parts[2] : "");
            e.put("count", count);
            errors.add(e);
        });
        root.put("errors", errors);
        List<Map<String, Object>> processes = new ArrayList<>();
        for (ProcessUse p : r.processes()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", p.name());
            row.put("pid", p.pid());
            row.put("processes", p.end().processes());
            row.put("cpuSeconds", round(p.cpuSeconds()));
            row.put("cpuPercent", round(p.cpuPercent()));
            row.put("rssStartKb", p.start().rssKb());
            row.put("rssEndKb", p.end().rssKb());
            if (p.heapMax() >= 0) {
                row.put("heapStartBytes", p.heapStart());
                row.put("heapMaxBytes", p.heapMax());
                row.put("heapEndBytes", p.heapEnd());
            }
            processes.add(row);
        }
        root.put("processes", processes);
        root.put("tcp", r.tcp());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Verifier.Check check : r.checks()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", check.name());
            row.put("passed", check.passed());
            row.put("summary", check.summary());
            row.put("details", check.details());
            checks.add(row);
        }
        root.put("verification", checks);
        root.put("passed", r.passed());
        return root;
    }

    private static Map<String, Object> latency(Histogram h, double[] percentiles) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("count", h.getTotalCount());
        for (double p : percentiles) {
            row.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)),
                    h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(p) / 1000.0));
        }
        row.put("max", h.getTotalCount() == 0 ? null : round(h.getMaxValue() / 1000.0));
        return row;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : Long.toString(Math.round(bytes / 1048576.0));
    }

    static double perSecond(long count, double seconds) {
        return seconds <= 0 ? 0 : round(count / seconds);
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static String ms(long micros) {
        if (micros < 0) {
            return "-";
        }
        double millis = micros / 1000.0;
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f", millis)
                : String.format(Locale.ROOT, millis >= 10 ? "%.1f" : "%.2f", millis);
    }

    static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%,.1f", value);
    }

    private static String rate(long count, double seconds) {
        return String.format(Locale.ROOT, "%,.1f", seconds <= 0 ? 0 : count / seconds);
    }
}
