package exchange.router.system;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Runs first and refuses what no valid request contains: a path that is not in canonical form (percent-encoded
 * characters, {@code ;} parameters, dot or empty segments), and NUL characters in parameters, which PostgreSQL
 * would refuse with an error instead of a result. Every later filter (admin port and token, request signing)
 * can then decide on the raw path, which is exactly the path Spring MVC routes on.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSanityFilter extends OncePerRequestFilter {

    private static final UrlPathHelper ROUTING_PATH = routingPath();

    private static UrlPathHelper routingPath() {
        UrlPathHelper helper = new UrlPathHelper();
        helper.setUrlDecode(true);
        helper.setRemoveSemicolonContent(true);
        return helper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String raw = request.getRequestURI();
        if (!raw.equals(ROUTING_PATH.getLookupPathForRequest(request)) || raw.contains("//")
                || raw.contains("/./") || raw.contains("/../") || raw.endsWith("/.") || raw.endsWith("/..")) {
            reject(response, "The request path must be in canonical form");
            return;
        }
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (hasNul(parameter.getKey()) || java.util.Arrays.stream(parameter.getValue()).anyMatch(this::hasNul)) {
                reject(response, "Parameters must not contain NUL characters");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static void reject(HttpServletResponse response, String message) throws IOException {
        response.setStatus(400);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getWriter().write("{\"code\":\"INVALID_CLIENT_REQUEST\",\"message\":\"" + message + "\"}");
    }

    private boolean hasNul(String value) {
        return value.indexOf('\0') >= 0;
    }
}
