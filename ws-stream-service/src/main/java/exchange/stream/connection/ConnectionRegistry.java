package exchange.stream.connection;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import exchange.stream.StreamProperties;

import jakarta.websocket.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The replica's open connections: admission (connection limit), keep-alive (ping every {@code pingInterval},
 * close after {@code pongTimeout} of silence), the send-time watchdog, and shutdown (a Close frame to everyone,
 * then up to {@code shutdownGrace} for clients to go). Stops before the web server does.
 */
@Component
public class ConnectionRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final StreamProperties properties;
    private final MeterRegistry meters;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final Counter messagesOut;
    private final ScheduledExecutorService keepAlive;
    private volatile boolean running;
    private volatile boolean shuttingDown;

    ConnectionRegistry(StreamProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        this.messagesOut = Counter.builder("stream.messages.out")
                .description("Messages written to client sockets").register(meters);
        Gauge.builder("stream.connections", connections, Set::size)
                .description("Open client connections").register(meters);
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ws-keepalive").daemon().factory());
    }

    /**
     * Admits a new session, or closes it (connection limit, shutting down) and returns null.
     */
    public ClientConnection open(WebSocketSession session) {
        if (shuttingDown) {
            closeQuietly(session, CloseCodes.SHUTDOWN);
            return null;
        }
        if (connections.size() >= properties.maxConnections()) {
            countDrop(CloseCodes.CONNECTION_LIMIT);
            closeQuietly(session, CloseCodes.CONNECTION_LIMIT);
            return null;
        }
        Session nativeSession = ((NativeWebSocketSession) session).getNativeSession(Session.class);
        long sendTimeoutMillis = properties.sendTimeLimit().toMillis();
        nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, sendTimeoutMillis);
        ClientConnection connection = new ClientConnection(session, nativeSession,
                properties.outboundBufferMessages(), properties.outboundBufferBytes(), properties.framesPerSecond(),
                sendTimeoutMillis, this);
        connections.add(connection);
        return connection;
    }

    /** The session is closed: forget the connection and drop whatever it still had queued. */
    public void closed(ClientConnection connection) {
        connection.outbox().close();
        connections.remove(connection);
    }

    public int size() {
        return connections.size();
    }

    /** The open connections (a live, unmodifiable view; for tests and diagnostics). */
    Set<ClientConnection> connections() {
        return Collections.unmodifiableSet(connections);
    }

    Counter messagesOut() {
        return messagesOut;
    }

    void dropped(ClientConnection connection, CloseStatus status) {
        if (!shuttingDown && status.getCode() != CloseStatus.NORMAL.getCode()) {
            countDrop(status);
            log.info("Closing connection {}: {} {}", connection.id(), status.getCode(), status.getReason());
        }
    }

    private void countDrop(CloseStatus status) {
        String reason = status.getReason() == null ? Integer.toString(status.getCode()) : status.getReason();
        meters.counter("stream.clients.dropped", "reason", reason).increment();
    }

    private void tick() {
        long now = System.nanoTime();
        long pingEvery = properties.pingInterval().toNanos();
        long pongTimeout = properties.pongTimeout().toNanos();
        long sendLimit = properties.sendTimeLimit().toNanos();
        for (ClientConnection connection : connections) {
            if (connection.isClosing()) {
                continue;
            }
            long sendStarted = connection.outbox().sendStartedNanos();
            if (now - connection.lastSeenNanos() > pongTimeout) {
                connection.terminate(CloseCodes.PONG_TIMEOUT);
            } else if (sendStarted != 0 && now - sendStarted > 2 * sendLimit) {
                // Tomcat's send timeout normally fires first; this catches a write it never completes nor fails.
                connection.terminate(CloseCodes.SLOW_CONSUMER);
            } else if (now - connection.lastPingNanos() >= pingEvery) {
                connection.ping();
            }
        }
    }

    @Override
    public void start() {
        long period = Math.max(100, Math.min(properties.pingInterval().toMillis(),
                Math.min(properties.pongTimeout().toMillis(), properties.sendTimeLimit().toMillis())) / 4);
        keepAlive.scheduleAtFixedRate(this::safeTick, period, period, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Keep-alive tick failed", e);
        }
    }

    /** Sends every client a Close frame (1001) and waits up to the grace period for them to close. */
    @Override
    public void stop() {
        shuttingDown = true;
        running = false;
        keepAlive.shutdownNow();
        log.info("Shutting down: closing {} connections", connections.size());
        for (ClientConnection connection : connections) {
            connection.terminate(CloseCodes.SHUTDOWN);
        }
        long deadline = System.nanoTime() + properties.shutdownGrace().toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Duration.ofMillis(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the web server's graceful-shutdown phase in start order, so it stops first. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    private static void closeQuietly(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (Exception e) {
            log.debug("Close failed: {}", e.toString());
        }
    }
}
