package exchange.stream.subscription;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses Backpack's {@code SUBSCRIBE}/{@code UNSUBSCRIBE} frames and keeps each connection's stream set.
 * A frame that is not valid JSON, or names an unknown method, gets an error frame and the connection stays
 * open. Data delivery from Redis is added by the fan-out component.
 */
@Component
class StreamWebSocketHandler extends TextWebSocketHandler {

    private static final String STREAMS = "streams";

    private final ObjectMapper json;
    private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

    StreamWebSocketHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        session.getAttributes().put(STREAMS, ConcurrentHashMap.<String>newKeySet());
        sessions.add(session);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
        JsonNode frame;
        try {
            frame = json.readTree(message.getPayload());
        } catch (RuntimeException malformed) {
            sendError(session, null, 4000, "Invalid JSON frame");
            return;
        }
        if (!frame.isObject()) {
            sendError(session, null, 4000, "Frame must be a JSON object");
            return;
        }
        JsonNode id = frame.get("id");
        String method = frame.path("method").asString("");
        JsonNode params = frame.get("params");
        if (!method.equals("SUBSCRIBE") && !method.equals("UNSUBSCRIBE")) {
            sendError(session, id, 4001, "Unknown method: " + method);
            return;
        }
        if (params == null || !params.isArray() || params.isEmpty()) {
            sendError(session, id, 4002, "params must be a non-empty array of stream names");
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> streams = (Set<String>) session.getAttributes().get(STREAMS);
        for (JsonNode param : params) {
            if (!param.isString()) {
                sendError(session, id, 4002, "Stream names must be strings");
                return;
            }
        }
        for (JsonNode param : params) {
            if (method.equals("SUBSCRIBE")) {
                streams.add(param.asString());
            } else {
                streams.remove(param.asString());
            }
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        sessions.remove(session);
    }

    int connectionCount() {
        return sessions.size();
    }

    private void sendError(WebSocketSession session, JsonNode id, int code, String message) throws IOException {
        ObjectNode frame = json.createObjectNode();
        if (id != null) {
            frame.set("id", id);
        }
        ObjectNode error = frame.putObject("error");
        error.put("code", code);
        error.put("message", message);
        synchronized (session) {
            session.sendMessage(new TextMessage(json.writeValueAsString(frame)));
        }
    }
}
