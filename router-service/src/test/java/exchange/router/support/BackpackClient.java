package exchange.router.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A minimal Backpack API client for tests: ED25519 key pair, signing string and auth headers exactly as the
 * spec describes, with knobs to break each part.
 */
public final class BackpackClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final byte[] seed = new byte[32];
    private final String apiKey;

    public BackpackClient(String baseUrl) {
        this.baseUrl = baseUrl;
        new SecureRandom().nextBytes(seed);
        byte[] publicKey = new byte[32];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        this.apiKey = Base64.getEncoder().encodeToString(publicKey);
    }

    public String apiKey() {
        return apiKey;
    }

    public String sign(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        byte[] signature = new byte[64];
        Ed25519.sign(seed, 0, bytes, 0, bytes.length, signature, 0);
        return Base64.getEncoder().encodeToString(signature);
    }

    public static String signingString(String instruction, Map<String, String> params, long timestamp,
            long window) {
        String query = new TreeMap<>(params).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        return "instruction=" + instruction + (query.isEmpty() ? "" : "&" + query)
                + "&timestamp=" + timestamp + "&window=" + window;
    }

    /** A signed GET with its parameters in the query string. */
    public HttpResponse<String> get(String path, String instruction, Map<String, String> params)
            throws IOException, InterruptedException {
        long timestamp = System.currentTimeMillis();
        String signature = sign(signingString(instruction, params, timestamp, 5000));
        return send(HttpRequest.newBuilder(uri(path, params)).GET(), apiKey, signature, timestamp, "5000");
    }

    /** A request with explicit auth header values, for tests that break one of them. */
    public HttpResponse<String> send(HttpRequest.Builder request, String key, String signature, long timestamp,
            String window) throws IOException, InterruptedException {
        if (key != null) {
            request.header("X-API-Key", key);
        }
        if (signature != null) {
            request.header("X-Signature", signature);
        }
        request.header("X-Timestamp", Long.toString(timestamp));
        if (window != null) {
            request.header("X-Window", window);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public URI uri(String path, Map<String, String> params) {
        SortedMap<String, String> sorted = new TreeMap<>(params);
        String query = sorted.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return URI.create(baseUrl + path + (query.isEmpty() ? "" : "?" + query));
    }
}
