package exchange.router.system;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Backpack's system endpoints: {@code /api/v1/ping}, {@code /api/v1/time}, {@code /api/v1/status}.
 */
@RestController
class SystemController {

    @GetMapping(path = "/api/v1/ping", produces = MediaType.TEXT_PLAIN_VALUE)
    String ping() {
        return "pong";
    }

    /** Milliseconds since the epoch, as plain text (ccxt parses it as an integer). */
    @GetMapping(path = "/api/v1/time", produces = MediaType.TEXT_PLAIN_VALUE)
    String time() {
        return Long.toString(System.currentTimeMillis());
    }

    @GetMapping("/api/v1/status")
    StatusResponse status() {
        return new StatusResponse("Ok", null);
    }

    record StatusResponse(String status, String message) {
    }
}
