package exchange.stream.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Port 4000 speaks WebSocket at {@code /} and serves the actuator's probes; every other HTTP request is answered
 * here in Backpack's {@code {"code","message"}} shape, instead of the container's plain text ("Can "Upgrade" only
 * to "WebSocket".") or Spring Boot's default error body. Runs before anything else, so such a request costs no
 * handshake work.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PlainHttpFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The raw URI: a percent-encoded path never matches, so it is refused rather than routed differently.
        String path = request.getRequestURI();
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            chain.doFilter(request, response);
            return;
        }
        if (!path.equals("/")) {
            ErrorBodies.write(response, 404, "RESOURCE_NOT_FOUND",
                    "No such endpoint: streams are served at / over WebSocket");
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            ErrorBodies.write(response, 405, "INVALID_CLIENT_REQUEST",
                    "Method not allowed: open a WebSocket with GET / and Upgrade: websocket");
            return;
        }
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            ErrorBodies.write(response, 400, "INVALID_CLIENT_REQUEST",
                    "This endpoint speaks WebSocket only: connect with Upgrade: websocket, then send SUBSCRIBE frames");
            return;
        }
        chain.doFilter(request, response);
    }
}
