package exchange.loadgen;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

import tools.jackson.databind.JsonNode;

/**
 * The Backpack REST API and the operator API over Apache HttpClient's classic (blocking) client: HTTP/1.1,
 * pooled keep-alive connections, one per concurrently waiting caller. The JDK's {@link HttpClient} (kept for
 * WebSocket connections, {@link #http()}) spent several times more CPU per request, on the same two cores as the
 * stack it measures. Signed requests
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
    private final CloseableHttpClient requests;
    private final String restUrl;
    private final String adminUrl;
    private final String adminToken;

    /**
     * @param maxConnections connections kept per destination: at least the most requests the caller keeps in
     *                       flight, so no request waits for a connection (that wait would count as latency)
     */
    ExchangeClient(String restUrl, String adminUrl, String adminToken, Duration timeout, int maxConnections) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                        .setSocketTimeout(Timeout.of(timeout)).build())
                .build();
        this.requests = HttpClients.custom().setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout))
                        .setConnectionRequestTimeout(Timeout.of(timeout)).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableAuthCaching().disableContentCompression()
                .evictIdleConnections(Timeout.of(5, TimeUnit.SECONDS))
                .build();
        this.restUrl = restUrl;
        this.adminUrl = adminUrl;
        this.adminToken = adminToken;
    }

    /** The JDK's client, for WebSocket connections and occasional reads. */
    HttpClient http() {
        return http;
    }

    Response get(String pathAndQuery) {
        return send(new HttpUriRequestBase("GET", URI.create(restUrl + pathAndQuery)));
    }

    /** A signed POST or DELETE with {@code params} as the JSON body (values: String, Long, Integer or Boolean). */
    Response signed(Ed25519Signer key, String method, String path, String instruction, Map<String, Object> params) {
        TreeMap<String, Object> sorted = new TreeMap<>(params);
        sorted.values().removeIf(Objects::isNull);
        long timestamp = System.currentTimeMillis();
        String signature = key.sign(SigningString.of(instruction, sorted, timestamp, WINDOW));
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(restUrl + path));
        request.setHeader("X-API-Key", key.apiKey());
        request.setHeader("X-Signature", signature);
        request.setHeader("X-Timestamp", Long.toString(timestamp));
        request.setHeader("X-Window", Long.toString(WINDOW));
        request.setEntity(new StringEntity(Json.write(sorted), ContentType.APPLICATION_JSON));
        return send(request);
    }

    Response admin(String method, String path, String jsonBody) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(adminUrl + path));
        request.setHeader("Authorization", "Bearer " + adminToken);
        if (jsonBody != null) {
            request.setEntity(new StringEntity(jsonBody, ContentType.APPLICATION_JSON));
        }
        return send(request);
    }

    private Response send(HttpUriRequestBase request) {
        try {
            return requests.execute(request, response -> new Response(response.getCode(),
                    response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(),
                            StandardCharsets.UTF_8)));
        } catch (InterruptedIOException e) {
            // Apache's time-outs (connect, socket, pool) are InterruptedIOExceptions; a real interrupt sets the flag.
            if (Thread.currentThread().isInterrupted()) {
                return new Response(0, "INTERRUPTED");
            }
            return new Response(0, "CLIENT_TIMEOUT");
        } catch (IOException e) {
            return new Response(0, e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        try {
            requests.close();
        } catch (IOException e) {
            // closing sockets that are being torn down anyway
        }
        http.close();
    }
}
