package exchange.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM heap in use of a Spring Boot app, read from its {@code /actuator/prometheus} (the sum of
 * {@code jvm_memory_used_bytes{area="heap"}} over the pools). One scrape renders every metric of the app, so it
 * is polled every couple of seconds, as a monitoring system would.
 */
final class HeapProbe {

    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^jvm_memory_used_bytes\\{(?=[^}]*area=\"heap\")[^}]*}\\s+([0-9.eE+-]+)");

    private final HttpClient http;
    private final URI metrics;

    HeapProbe(HttpClient http, String baseUrl) {
        this.http = http;
        this.metrics = URI.create(baseUrl.replaceFirst("^ws", "http") + "/actuator/prometheus");
    }

    /** Heap used in bytes, or -1 if the app cannot be asked right now. */
    long heapUsed() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(response.body()) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static long parse(String prometheusText) {
        Matcher m = HEAP_USED.matcher(prometheusText);
        double sum = 0;
        boolean any = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            any = true;
        }
        return any ? (long) sum : -1;
    }
}
