package exchange.stream.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

import exchange.stream.auth.AuthResult.Authenticated;
import exchange.stream.auth.AuthResult.Reason;
import exchange.stream.auth.AuthResult.Rejected;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;

/**
 * Checks a private-stream subscribe frame's {@code "signature": [apiKey, signature, timestamp, window]}: the
 * signature is base64 ED25519 by the key over {@code instruction=subscribe&timestamp=<ts>&window=<window>} (the
 * timestamp and window exactly as sent), the timestamp within {@code window} milliseconds of server time,
 * {@code window} at most {@value #MAX_WINDOW_MILLIS} (Backpack's X-Window rule), and the key active in
 * {@code api_key}. Values may be JSON strings (ccxt) or numbers.
 */
@Component
public class SubscribeAuthenticator {

    static final long MAX_WINDOW_MILLIS = 60_000;

    private static final Logger log = LoggerFactory.getLogger(SubscribeAuthenticator.class);

    private final ApiKeyDirectory keys;
    private final Clock clock;

    @Autowired
    SubscribeAuthenticator(ApiKeyDirectory keys) {
        this(keys, Clock.systemUTC());
    }

    SubscribeAuthenticator(ApiKeyDirectory keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public AuthResult authenticate(JsonNode signature) {
        if (signature == null || !signature.isArray() || signature.size() != 4) {
            return new Rejected(Reason.MALFORMED,
                    "Private streams need \"signature\": [apiKey, signature, timestamp, window]");
        }
        String apiKey = text(signature.get(0));
        String signatureText = text(signature.get(1));
        String timestampText = text(signature.get(2));
        String windowText = text(signature.get(3));
        if (apiKey == null || signatureText == null || timestampText == null || windowText == null) {
            return new Rejected(Reason.MALFORMED, "Signature values must be strings or numbers");
        }
        byte[] publicKey;
        byte[] signatureBytes;
        long timestamp;
        long window;
        try {
            publicKey = Base64.getDecoder().decode(apiKey);
            signatureBytes = Base64.getDecoder().decode(signatureText);
            timestamp = Long.parseLong(timestampText);
            window = Long.parseLong(windowText);
        } catch (IllegalArgumentException e) {
            return new Rejected(Reason.MALFORMED, "Signature values are not base64 / integers");
        }
        if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE || signatureBytes.length != Ed25519.SIGNATURE_SIZE) {
            return new Rejected(Reason.MALFORMED, "API key must be 32 bytes and signature 64 bytes (base64)");
        }
        if (window <= 0 || window > MAX_WINDOW_MILLIS) {
            return new Rejected(Reason.EXPIRED, "Window must be between 1 and " + MAX_WINDOW_MILLIS + " ms");
        }
        if (Math.abs(clock.millis() - timestamp) > window) {
            return new Rejected(Reason.EXPIRED, "Timestamp is outside the window");
        }
        Optional<ApiKeyDirectory.ActiveKey> key;
        try {
            key = keys.find(apiKey, publicKey);
        } catch (DataAccessException e) {
            log.warn("API key lookup failed: {}", e.toString());
            return new Rejected(Reason.UNAVAILABLE, "Authentication is unavailable, try again");
        }
        byte[] message = ("instruction=subscribe&timestamp=" + timestampText + "&window=" + windowText)
                .getBytes(StandardCharsets.UTF_8);
        if (key.isEmpty() || !Ed25519.verify(signatureBytes, 0, key.get().point(), message, 0, message.length)) {
            return new Rejected(Reason.INVALID, "Invalid signature");
        }
        return new Authenticated(key.get().accountId());
    }

    private static String text(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isIntegralNumber()) {
            return value.asString();
        }
        return null;
    }
}
