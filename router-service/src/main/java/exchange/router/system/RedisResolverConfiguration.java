package exchange.router.system;

import io.netty.resolver.DefaultAddressResolverGroup;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Resolves the Redis host name with the JVM's resolver, as JDBC does for PostgreSQL, instead of Netty's own
 * DNS client: both stores then follow the same rules (the OS resolver configuration, /etc/hosts, and
 * {@code jdk.net.hosts.file}, which the cluster-network test uses to stand in for cluster DNS).
 */
@Configuration(proxyBeanMethods = false)
class RedisResolverConfiguration {

    @Bean
    ClientResourcesBuilderCustomizer jvmResolver() {
        return builder -> builder.addressResolverGroup(DefaultAddressResolverGroup.INSTANCE);
    }
}
