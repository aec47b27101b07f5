package exchange.router.engine;

import exchange.router.system.ApiError;
import exchange.router.system.ApiException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import tools.jackson.databind.ObjectMapper;

/**
 * The leader's answer to one command, sent after the batch that contains it committed.
 *
 * @param requestId the submitting replica's id of the request
 * @param status    HTTP status for the client
 * @param body      JSON body for the client, rendered once by the leader
 */
public record EngineReply(String requestId, int status, String body) {

    /** The reply as the HTTP answer: the body as is, or the error through the one error mapping. */
    public ResponseEntity<String> toResponse(ObjectMapper json) {
        if (status >= 400) {
            ApiError error = json.readValue(body, ApiError.class);
            throw new ApiException(HttpStatus.valueOf(status), error.code(), error.message());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
