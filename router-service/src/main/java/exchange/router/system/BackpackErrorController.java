package exchange.router.system;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code /error} page in Backpack's shape. Spring MVC's own failures go through {@link ApiExceptionHandler};
 * this answers what the servlet container rejects before any controller runs (an undecodable query string, a
 * method the connector refuses such as TRACE) and replaces Spring Boot's {@code timestamp/status/error} body.
 */
@RestController
class BackpackErrorController implements ErrorController {

    // No "produces": the answer is JSON whatever the client accepts, so a container error is never turned into a
    // 406 by content negotiation.
    @RequestMapping(path = "${server.error.path:/error}")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly, /error is just another path that does not exist.
        int status = code instanceof Integer value ? value : 404;
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(errorFor(status));
    }

    /** The code and message for a status the container chose; shared with {@link JsonErrorReportValve}. */
    static ApiError errorFor(int status) {
        return switch (status) {
            case 400 -> new ApiError("INVALID_CLIENT_REQUEST",
                    "Malformed request: the request line, a header or the query string cannot be read");
            case 401 -> new ApiError("UNAUTHORIZED", "Authentication required");
            case 403 -> new ApiError("FORBIDDEN", "Forbidden");
            case 404 -> new ApiError("RESOURCE_NOT_FOUND", "No such endpoint");
            case 405 -> new ApiError("INVALID_CLIENT_REQUEST", "Method not allowed");
            case 408 -> new ApiError("INVALID_CLIENT_REQUEST", "Request timed out");
            case 413 -> new ApiError("INVALID_CLIENT_REQUEST", "Request body too large");
            case 414 -> new ApiError("INVALID_CLIENT_REQUEST", "Request URI too long");
            case 415 -> new ApiError("INVALID_CLIENT_REQUEST", "Unsupported content type");
            case 431 -> new ApiError("INVALID_CLIENT_REQUEST", "Request headers too large");
            case 503 -> new ApiError("SERVICE_UNAVAILABLE", "Service temporarily unavailable; retry shortly");
            default -> status >= 500 ? new ApiError("SERVER_ERROR", "Internal error")
                    : new ApiError("INVALID_CLIENT_REQUEST", HttpStatus.resolve(status) == null ? "Bad request"
                            : HttpStatus.resolve(status).getReasonPhrase());
        };
    }
}
