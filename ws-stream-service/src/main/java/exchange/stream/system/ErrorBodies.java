package exchange.stream.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** Backpack's error body for the few plain HTTP answers ws-stream gives; codes and messages are constants. */
final class ErrorBodies {

    private ErrorBodies() {
    }

    static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        byte[] body = json(code, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Callers pass constants without quotes or backslashes, so no escaping is needed. */
    static String json(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }
}
