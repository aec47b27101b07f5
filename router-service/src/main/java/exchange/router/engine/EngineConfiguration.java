package exchange.router.engine;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EngineProperties.class)
class EngineConfiguration {

    @Bean
    LeaderLease leaderLease(JdbcClient jdbc, EngineProperties properties) {
        return new LeaderLease(jdbc, CommandBus.newInstanceId(), properties.lease());
    }

    @Bean
    RedisMessageListenerContainer redisListeners(RedisConnectionFactory connections) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        // The default executor starts a platform thread per message; reply batches arrive hundreds of times a second.
        SimpleAsyncTaskExecutor dispatch = new SimpleAsyncTaskExecutor("redis-listener-");
        dispatch.setVirtualThreads(true);
        container.setTaskExecutor(dispatch);
        // Started by CommandBus, retrying, so the router starts (and serves reads) while Redis is down.
        container.setAutoStartup(false);
        return container;
    }

    /**
     * Pipelines (the leader's publisher sends each committed batch as two: its replies, then a publish per stream
     * message, snapshots and trades) are written to the socket once, when they close. Spring Data's default flushes after every command:
     * one write system call per message, the largest single item in the router's profile under load.
     */
    @Bean
    static BeanPostProcessor pipelinesFlushOnClose() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof LettuceConnectionFactory lettuce) {
                    lettuce.setPipeliningFlushPolicy(LettuceConnection.PipeliningFlushPolicy.flushOnClose());
                }
                return bean;
            }
        };
    }
}
