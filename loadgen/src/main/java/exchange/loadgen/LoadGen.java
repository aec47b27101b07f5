package exchange.loadgen;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point: {@code java -jar loadgen.jar [run|limits] [options]} (see {@link Options#HELP}).
 * Exit codes: 0 done and every check passed; 1 a check failed; 2 bad usage or the stack could not be set up.
 */
public final class LoadGen {

    private LoadGen() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (Options.UsageException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(Options.HELP);
            return;
        }
        int code;
        try {
            code = options.command().equals("limits") ? limits(options) : new LoadRun(options).run();
        } catch (LoadRun.SetupException e) {
            System.err.println("loadgen: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("loadgen failed: " + e);
            e.printStackTrace();
            code = 2;
        }
        System.exit(code);
    }

    private static int limits(Options options) throws Exception {
        List<Limits.Probe> probes = new Limits(options).run();
        System.out.print(Limits.table(probes));
        if (options.report() != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("durationSeconds", options.duration().toMillis() / 1000.0);
            json.put("probes", probes.stream().map(p -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", p.name());
                row.put("operations", p.operations());
                row.put("perSecond", Report.round(p.perSecond()));
                row.put("p50Millis", p.p50() < 0 ? null : p.p50() / 1000.0);
                row.put("p99Millis", p.p99() < 0 ? null : p.p99() / 1000.0);
                row.put("p999Millis", p.p999() < 0 ? null : p.p999() / 1000.0);
                row.put("note", p.note());
                return row;
            }).toList());
            Files.writeString(options.report(), Json.PRETTY.writeValueAsString(json));
            System.out.println("\nReport written to " + options.report());
        }
        return 0;
    }
}
