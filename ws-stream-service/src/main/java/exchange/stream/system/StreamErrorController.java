package exchange.stream.system;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code /error} page in Backpack's shape, for what reaches it past {@link PlainHttpFilter}: an actuator path
 * that is not exposed, a request the container rejects. Replaces Spring Boot's {@code timestamp/status/error} body.
 */
@RestController
class StreamErrorController implements ErrorController {

    @RequestMapping(path = "${server.error.path:/error}")
    ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : 404;
        String body = status == 404 ? ErrorBodies.json("RESOURCE_NOT_FOUND", "No such endpoint")
                : status >= 500 ? ErrorBodies.json("SERVER_ERROR", "Internal error")
                : ErrorBodies.json("INVALID_CLIENT_REQUEST", "Bad request");
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
