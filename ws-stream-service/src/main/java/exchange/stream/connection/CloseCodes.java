package exchange.stream.connection;

import org.springframework.web.socket.CloseStatus;

/** The close codes this service sends, in one place so docs/STREAMS.md can list them. */
public final class CloseCodes {

    /** Server shutting down: reconnect (to another replica). */
    public static final CloseStatus SHUTDOWN = CloseStatus.GOING_AWAY.withReason("Server shutting down");

    /** Too many connections on this replica: retry later, possibly on another replica. */
    public static final CloseStatus CONNECTION_LIMIT = CloseStatus.SERVICE_OVERLOAD.withReason("Too many connections");

    /** The client did not read fast enough: its outbound buffer or send time limit was exceeded. */
    public static final CloseStatus SLOW_CONSUMER = CloseStatus.POLICY_VIOLATION.withReason("Slow consumer");

    /** Nothing (not even a pong) arrived from the client within the pong timeout. */
    public static final CloseStatus PONG_TIMEOUT = CloseStatus.POLICY_VIOLATION.withReason("Pong timeout");

    private CloseCodes() {
    }
}
