package exchange.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A Backpack API client for whole-system tests, signing with the JDK's Ed25519. Thread-safe. */
final class SignedClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final KeyPair keys;
    private final String apiKey;
    private final Duration timeout;

    SignedClient() throws Exception {
        this(Duration.ofSeconds(10));
    }

    /** @param timeout how long one request may take before it fails with an HttpTimeoutException */
    SignedClient(Duration timeout) throws Exception {
        this.timeout = timeout;
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = keys.getPublic().getEncoded();
        apiKey = Base64.getEncoder().encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    String apiKey() {
        return apiKey;
    }

    /** The base64 Ed25519 signature of {@code text} (a Backpack signing string) with this client's key. */
    String sign(String text) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    /** A signed request with a JSON object body; values are strings except numbers given as Long. */
    HttpResponse<String> send(String baseUrl, String method, String path, String instruction, Map<String, Object> body)
            throws Exception {
        long timestamp = System.currentTimeMillis();
        String params = new TreeMap<>(body).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        String signed = "instruction=" + instruction + (params.isEmpty() ? "" : "&" + params)
                + "&timestamp=" + timestamp + "&window=5000";
        String json = new TreeMap<>(body).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + (e.getValue() instanceof Number ? e.getValue()
                        : "\"" + e.getValue() + "\""))
                .collect(Collectors.joining(",", "{", "}"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-API-Key", apiKey)
                .header("X-Signature", sign(signed))
                .header("X-Timestamp", Long.toString(timestamp))
                .header("X-Window", "5000")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
