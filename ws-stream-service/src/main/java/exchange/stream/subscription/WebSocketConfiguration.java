package exchange.stream.subscription;

import exchange.stream.StreamProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/** Serves the stream protocol at {@code ws://host:4000/}, as Backpack does at its root path. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    /** Clients send only text; a binary frame above this closes the connection with 1009 (Tomcat). */
    private static final int MAX_BINARY_FRAME_BYTES = 1024;

    private final StreamWebSocketHandler handler;

    WebSocketConfiguration(StreamWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/").setAllowedOriginPatterns("*");
    }

    /**
     * Inbound frame limit (Tomcat allocates buffers of this size per connection, so it also sets the idle memory
     * per connection); keep-alive is ours ({@code ConnectionRegistry}), so Tomcat's idle timeout is off.
     */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer(StreamProperties properties) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(properties.maxFrameBytes());
        container.setMaxBinaryMessageBufferSize(MAX_BINARY_FRAME_BYTES);
        container.setMaxSessionIdleTimeout(0L);
        container.setAsyncSendTimeout(properties.sendTimeLimit().toMillis());
        return container;
    }
}
