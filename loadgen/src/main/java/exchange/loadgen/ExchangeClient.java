package exchange.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;

/**
 * The Backpack REST API and the operator API over the JDK's HTTP client (HTTP/1.1, keep-alive). Signed requests
 * carry {@code X-API-Key}, {@code X-Signature}, {@code X-Timestamp} and {@code X-Window}; POST and DELETE
 * parameters go in a JSON body, exactly the values that were signed. Failures to get any answer are returned
 * as status 0 with the exception's name as the code, so callers count them like any other outcome.
 * Thread-safe; meant to be called from many virtual threads.
 */
final class ExchangeClient implements AutoCloseable {

    static final long WINDOW = 5000;

    record Response(int status, String body) {

        boolean ok() {
            return status == 200;
        }

        /** Backpack's error code of a non-200 answer ({@code {"code","message"}}), or a stand-in. */
        String code() {
            if (status == 0) {
                return body;
            }
            try {
                JsonNode json = Json.parse(body);
                String code = Json.textOf(json.get("code"));
                return code == null ? "-" : code;
            } catch (RuntimeException e) {
                return "-";
            }
        }

        JsonNode json() {
            return Json.parse(body);
        }
    }

    private final HttpClient http;
    private final String restUrl;
    private final String adminUrl;
    private final String adminToken;
    private final Duration timeout;

    ExchangeClient(String restUrl, String adminUrl, String adminToken, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.restUrl = restUrl;
        this.adminUrl = adminUrl;
        this.adminToken = adminToken;
        this.timeout = timeout;
    }

    HttpClient http() {
        return http;
    }

    Response get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(restUrl + pathAndQuery)).timeout(timeout).GET().build());
    }

    /** A signed POST or DELETE with {@code params} as the JSON body (values: String, Long, Integer or Boolean). */
    Response signed(Ed25519Signer key, String method, String path, String instruction, Map<String, Object> params) {
        TreeMap<String, Object> sorted = new TreeMap<>(params);
        sorted.values().removeIf(Objects::isNull);
        long timestamp = System.currentTimeMillis();
        String signature = key.sign(SigningString.of(instruction, sorted, timestamp, WINDOW));
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-API-Key", key.apiKey())
                .header("X-Signature", signature)
                .header("X-Timestamp", Long.toString(timestamp))
                .header("X-Window", Long.toString(WINDOW))
                .method(method, HttpRequest.BodyPublishers.ofString(Json.write(sorted)))
                .build();
        return send(request);
    }

    Response admin(String method, String path, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(adminUrl + path)).timeout(timeout)
                .header("Authorization", "Bearer " + adminToken);
        if (jsonBody != null) {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(builder.build());
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            return new Response(0, "CLIENT_TIMEOUT");
        } catch (IOException e) {
            return new Response(0, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(0, "INTERRUPTED");
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
