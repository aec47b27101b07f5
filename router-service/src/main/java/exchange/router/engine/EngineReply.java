package exchange.router.engine;

/**
 * The leader's answer to one command, sent after the batch that contains it committed.
 *
 * @param requestId the submitting replica's id of the request
 * @param status    HTTP status for the client
 * @param body      JSON body for the client, rendered once by the leader
 */
public record EngineReply(String requestId, int status, String body) {
}
