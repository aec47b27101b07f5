package exchange.stream.subscription;

import tools.jackson.databind.JsonNode;

/** {@code {"id":<the request's id or null>,"error":{"code":4003,"message":"..."}}}. */
record ErrorFrame(JsonNode id, Error error) {

    record Error(int code, String message) {
    }

    static ErrorFrame of(JsonNode id, ErrorCode code, String message) {
        return new ErrorFrame(id, new Error(code.code, message));
    }
}
