package exchange.stream.fanout;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds Lettuce's command queue, which buffers SUBSCRIBE/UNSUBSCRIBE while Redis is unreachable (unbounded by
 * default). When full, a command is refused and logged; {@link RedisChannels} re-subscribes every channel it
 * holds when the connection comes back, so no wanted channel is lost (an unsubscribe refused meanwhile leaves a
 * channel subscribed with nobody listening, whose messages are ignored).
 */
@Configuration(proxyBeanMethods = false)
class RedisConfiguration {

    static final int COMMAND_QUEUE_SIZE = 10_000;

    @Bean
    LettuceClientOptionsBuilderCustomizer boundedCommandQueue() {
        return builder -> builder.requestQueueSize(COMMAND_QUEUE_SIZE);
    }
}
