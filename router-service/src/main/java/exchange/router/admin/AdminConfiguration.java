package exchange.router.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The operator API lives on its own connector ({@code exchange.admin.port}): {@code /admin/**} is served only
 * there and only with the bearer token; that port serves nothing else, and the public port never serves
 * {@code /admin/**}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class AdminConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdminConfiguration.class);

    @Bean
    AdminConnector adminConnector(AdminProperties properties, Environment environment) {
        Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(properties.port());
        // Listens where the public connector does: server.address confines both to one interface.
        String address = environment.getProperty("server.address");
        if (address != null && !address.isBlank()) {
            connector.setProperty("address", address);
        }
        return new AdminConnector(connector);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> adminPort(AdminConnector admin) {
        return factory -> factory.addAdditionalConnectors(admin.connector());
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> adminAccess(AdminProperties properties, AdminConnector admin) {
        if (properties.token().isBlank()) {
            log.warn("exchange.admin.token is empty: the admin API refuses every request");
        }
        byte[] expected = ("Bearer " + properties.token()).getBytes(StandardCharsets.UTF_8);
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                boolean adminPort = request.getLocalPort() == admin.port();
                boolean adminPath = request.getRequestURI().startsWith("/admin/");
                if (adminPort != adminPath) {
                    error(response, 404, "RESOURCE_NOT_FOUND", "No such endpoint");
                    return;
                }
                if (adminPath) {
                    String header = request.getHeader("Authorization");
                    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
                    if (properties.token().isBlank() || !MessageDigest.isEqual(expected, given)) {
                        error(response, 401, "UNAUTHORIZED", "Admin API needs Authorization: Bearer <token>");
                        return;
                    }
                }
                chain.doFilter(request, response);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        // After RequestSanityFilter, which guarantees the raw path is the path Spring MVC routes on.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    private static void error(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getWriter().write("{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    /**
     * The admin connector; its port is known once the server started (a configured 0 means "any free port").
     * Remembered once bound: Tomcat answers {@code getLocalPort()} by reflection, and every request asks.
     */
    static final class AdminConnector {
        private final Connector connector;
        private volatile int port = -1;

        AdminConnector(Connector connector) {
            this.connector = connector;
        }

        Connector connector() {
            return connector;
        }

        int port() {
            int known = port;
            if (known > 0) {
                return known;
            }
            int bound = connector.getLocalPort();
            if (bound > 0) {
                port = bound;
            }
            return bound;
        }
    }
}
