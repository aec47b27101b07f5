package exchange.router.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import exchange.router.system.ApiError;
import exchange.router.system.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates requests to signed endpoints before any controller runs. It reads the (bounded) body once,
 * derives the signed parameters from it (JSON object, or for the batch endpoint a JSON array of objects) or
 * from the query string, verifies them with {@link RequestAuthenticator}, and hands the controller a request
 * whose body can be read again plus the {@link AuthenticatedAccount}. Failures are answered here, in
 * Backpack's error shape, and change nothing.
 */
class SignedRequestFilter extends OncePerRequestFilter {

    private final RequestAuthenticator authenticator;
    private final int maxBodyBytes;
    private final ObjectMapper errorWriter;
    private final ObjectMapper bodyReader = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    SignedRequestFilter(RequestAuthenticator authenticator, int maxBodyBytes, ObjectMapper errorWriter) {
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.errorWriter = errorWriter;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return Instructions.of(request.getMethod(), request.getRequestURI()) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String endpoint = ("HEAD".equals(request.getMethod()) ? "GET" : request.getMethod()) + " "
                + request.getRequestURI();
        String instruction = Instructions.of(request.getMethod(), request.getRequestURI());
        byte[] body;
        AuthenticatedAccount account;
        try {
            body = readBody(request);
            RequestAuthenticator.SignedContent content = signedContent(endpoint, request, body);
            account = authenticator.authenticate(instruction, request.getHeader("X-API-Key"),
                    request.getHeader("X-Signature"), request.getHeader("X-Timestamp"),
                    request.getHeader("X-Window"), content);
        } catch (ApiException e) {
            writeError(response, e.status(), new ApiError(e.code(), e.getMessage()));
            return;
        }
        request.setAttribute(AuthenticatedAccount.ATTRIBUTE, account);
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            long declared = request.getContentLengthLong();
            if (declared == 0) {
                return new byte[0];
            }
            // Sized by Content-Length when it is given: reading "up to the limit" allocated a 16 KB chunk per request.
            byte[] body = in.readNBytes(declared > 0 ? (int) declared : maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private ApiException tooLarge() {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "INVALID_CLIENT_REQUEST",
                "Request body larger than " + maxBodyBytes + " bytes");
    }

    /**
     * What was signed is exactly what the endpoint reads: the query string for GET (and HEAD), the JSON body for
     * POST and DELETE. A request that carries the other kind too is refused, so nothing unsigned can ride along.
     */
    private RequestAuthenticator.SignedContent signedContent(String endpoint, HttpServletRequest request,
            byte[] body) {
        boolean hasBody = body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank();
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (read) {
            if (hasBody) {
                throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "A GET request takes no body");
            }
            SortedMap<String, String> query = queryParameters(request);
            return (instruction, ts, window, encoded) -> SigningString.of(instruction, query, ts, window, encoded);
        }
        if (request.getQueryString() != null && !request.getQueryString().isEmpty()) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST",
                    "Parameters of " + request.getMethod() + " requests go in the JSON body, not the query string");
        }
        if (!hasBody) {
            SortedMap<String, String> none = new TreeMap<>();
            return (instruction, ts, window, encoded) -> SigningString.of(instruction, none, ts, window, encoded);
        }
        JsonNode json;
        try {
            json = bodyReader.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "Malformed JSON body");
        }
        if (json == null || json.isNull() || json.isMissingNode()) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "Malformed JSON body");
        }
        if (endpoint.equals(Instructions.BATCH_ORDERS)) {
            if (!json.isArray() || json.isEmpty()) {
                throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "Body must be a non-empty JSON array of orders");
            }
            List<SortedMap<String, String>> orders = new ArrayList<>();
            for (JsonNode order : json) {
                orders.add(flatten(order));
            }
            return (instruction, ts, window, encoded) -> SigningString.ofBatch(instruction, orders, ts, window, encoded);
        }
        SortedMap<String, String> params = flatten(json);
        return (instruction, ts, window, encoded) -> SigningString.of(instruction, params, ts, window, encoded);
    }

    private static SortedMap<String, String> queryParameters(HttpServletRequest request) {
        SortedMap<String, String> params = new TreeMap<>();
        for (Map.Entry<String, String[]> entry : request.getParameterMap().entrySet()) {
            if (entry.getValue().length != 1) {
                throw ApiException.badRequest("INVALID_CLIENT_REQUEST",
                        "Parameter given more than once: " + entry.getKey());
            }
            params.put(entry.getKey(), entry.getValue()[0]);
        }
        return params;
    }

    private static SortedMap<String, String> flatten(JsonNode object) {
        if (!object.isObject()) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "Body must be a JSON object");
        }
        SortedMap<String, String> params = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isValueNode()) {
                throw ApiException.badRequest("INVALID_CLIENT_REQUEST",
                        "Field " + field.getKey() + " must be a string, number or boolean");
            }
            params.put(field.getKey(), value.isString() ? value.asString() : value.toString());
        }
        return params;
    }

    private void writeError(HttpServletResponse response, HttpStatus status, ApiError error) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(errorWriter.writeValueAsBytes(error));
    }

    /** Lets the controller read the body the filter already consumed. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
