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

/**
 * Refuses query parameters that no valid request contains and that PostgreSQL would refuse with an error
 * instead of a result: a NUL character. Checked once here rather than at every query.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSanityFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (hasNul(parameter.getKey()) || java.util.Arrays.stream(parameter.getValue()).anyMatch(this::hasNul)) {
                response.setStatus(400);
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                response.getWriter().write(
                        "{\"code\":\"INVALID_CLIENT_REQUEST\",\"message\":\"Parameters must not contain NUL characters\"}");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private boolean hasNul(String value) {
        return value.indexOf('\0') >= 0;
    }
}
