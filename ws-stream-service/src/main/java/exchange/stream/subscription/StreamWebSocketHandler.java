package exchange.stream.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import exchange.stream.StreamProperties;
import exchange.stream.auth.AuthResult;
import exchange.stream.auth.SubscribeAuthenticator;
import exchange.stream.connection.ClientConnection;
import exchange.stream.connection.ConnectionRegistry;
import exchange.stream.fanout.Fanout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Backpack's stream protocol: {@code SUBSCRIBE}/{@code UNSUBSCRIBE} frames with {@code params} (stream names),
 * optional {@code id}, and for {@code account.*} streams a {@code signature}. A frame is applied completely or not
 * at all: any unknown stream, failed signature or limit gets one error frame ({@link ErrorFrame}) and subscribes
 * nothing. A successful frame is not answered (as Backpack); data follows. Garbage never closes the connection.
 */
@Component
class StreamWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamWebSocketHandler.class);
    private static final String CONNECTION = ClientConnection.class.getName();

    private final ObjectMapper json;
    private final ConnectionRegistry connections;
    private final Fanout fanout;
    private final MarketDirectory markets;
    private final SubscribeAuthenticator authenticator;
    private final int maxSubscriptions;

    StreamWebSocketHandler(ObjectMapper json, ConnectionRegistry connections, Fanout fanout, MarketDirectory markets,
            SubscribeAuthenticator authenticator, StreamProperties properties) {
        this.json = json;
        this.connections = connections;
        this.fanout = fanout;
        this.markets = markets;
        this.authenticator = authenticator;
        this.maxSubscriptions = properties.maxSubscriptions();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        ClientConnection connection = connections.open(session);
        if (connection != null) {
            session.getAttributes().put(CONNECTION, connection);
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        ClientConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        connection.seen();
        if (!connection.tryAcquireFrame()) {
            sendError(connection, null, ErrorCode.RATE_LIMITED, "Too many frames, slow down");
            return;
        }
        JsonNode frame;
        try {
            frame = json.readTree(message.getPayload());
        } catch (RuntimeException malformed) {
            sendError(connection, null, ErrorCode.INVALID_FRAME, "Invalid JSON frame");
            return;
        }
        if (frame == null || !frame.isObject()) {
            sendError(connection, null, ErrorCode.INVALID_FRAME, "Frame must be a JSON object");
            return;
        }
        JsonNode id = frame.get("id");
        String method = frame.path("method").asString("");
        JsonNode params = frame.get("params");
        if (!method.equals("SUBSCRIBE") && !method.equals("UNSUBSCRIBE")) {
            sendError(connection, id, ErrorCode.UNKNOWN_METHOD, "Unknown method: " + method);
            return;
        }
        if (params == null || !params.isArray() || params.isEmpty()) {
            sendError(connection, id, ErrorCode.INVALID_PARAMS, "params must be a non-empty array of stream names");
            return;
        }
        List<String> names = new ArrayList<>(params.size());
        for (JsonNode param : params) {
            if (!param.isString()) {
                sendError(connection, id, ErrorCode.INVALID_PARAMS, "Stream names must be strings");
                return;
            }
            names.add(param.asString());
        }
        if (method.equals("SUBSCRIBE")) {
            subscribe(session, connection, id, names, frame.get("signature"));
        } else {
            unsubscribe(connection, names);
        }
    }

    private void subscribe(WebSocketSession session, ClientConnection connection, JsonNode id, List<String> names,
            JsonNode signature) {
        List<StreamName> streams = new ArrayList<>(names.size());
        boolean anyPrivate = false;
        for (String name : names) {
            Optional<StreamName> parsed = StreamName.parse(name);
            if (parsed.isEmpty()) {
                sendError(connection, id, ErrorCode.UNKNOWN_STREAM, "Unknown stream: " + abbreviate(name));
                return;
            }
            StreamName stream = parsed.get();
            try {
                if (stream.symbol() != null && !markets.exists(stream.symbol())) {
                    sendError(connection, id, ErrorCode.UNKNOWN_STREAM, "Unknown stream: " + name);
                    return;
                }
            } catch (MarketDirectory.UnavailableException e) {
                sendError(connection, id, ErrorCode.UNAVAILABLE, "Market list unavailable, try again");
                return;
            }
            anyPrivate |= stream.isPrivate();
            streams.add(stream);
        }
        if (anyPrivate && !authenticate(connection, id, signature)) {
            return;
        }
        synchronized (connection) {
            if (!session.isOpen() || connection.isClosing()) {
                return;
            }
            long added = streams.stream().map(StreamName::name).distinct()
                    .filter(name -> !connection.streams().contains(name)).count();
            if (connection.streams().size() + added > maxSubscriptions) {
                sendError(connection, id, ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                        "At most " + maxSubscriptions + " subscriptions per connection");
                return;
            }
            for (StreamName stream : streams) {
                if (connection.streams().add(stream.name())) {
                    fanout.subscribe(stream.route(connection.accountId()), connection.outbox());
                }
            }
        }
    }

    private boolean authenticate(ClientConnection connection, JsonNode id, JsonNode signature) {
        AuthResult result = authenticator.authenticate(signature);
        if (result instanceof AuthResult.Rejected rejected) {
            ErrorCode code = switch (rejected.reason()) {
                case MALFORMED, INVALID -> ErrorCode.INVALID_SIGNATURE;
                case EXPIRED -> ErrorCode.EXPIRED_SIGNATURE;
                case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            };
            sendError(connection, id, code, rejected.message());
            return false;
        }
        long account = ((AuthResult.Authenticated) result).accountId();
        synchronized (connection) {
            Long bound = connection.accountId();
            if (bound != null && bound != account) {
                sendError(connection, id, ErrorCode.ACCOUNT_MISMATCH,
                        "This connection is already subscribed with another account's key");
                return false;
            }
            connection.bindAccount(account);
        }
        return true;
    }

    private void unsubscribe(ClientConnection connection, List<String> names) {
        synchronized (connection) {
            for (String name : names) {
                if (connection.streams().remove(name)) {
                    StreamName.parse(name).ifPresent(
                            stream -> fanout.unsubscribe(stream.route(connection.accountId()), connection.outbox()));
                }
            }
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        ClientConnection connection = connection(session);
        if (connection != null) {
            connection.seen();
            sendError(connection, null, ErrorCode.INVALID_FRAME, "Binary frames are not supported");
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession session, PongMessage message) {
        ClientConnection connection = connection(session);
        if (connection != null) {
            connection.seen();
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("Transport error on {}: {}", session.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        ClientConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        connections.closed(connection);
        unsubscribe(connection, List.copyOf(connection.streams()));
    }

    private static ClientConnection connection(WebSocketSession session) {
        return (ClientConnection) session.getAttributes().get(CONNECTION);
    }

    private void sendError(ClientConnection connection, JsonNode id, ErrorCode code, String message) {
        connection.outbox().offer(new TextMessage(json.writeValueAsBytes(ErrorFrame.of(id, code, message))));
    }

    private static String abbreviate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}
