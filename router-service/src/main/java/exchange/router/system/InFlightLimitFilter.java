package exchange.router.system;

import java.io.IOException;
import java.util.concurrent.Semaphore;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Load shedding: at most {@code exchange.http.max-in-flight} API requests ({@code /api/}, {@code /wapi/}) are
 * processed at once by this replica; one more is answered 503 {@code TOO_MANY_REQUESTS} at once and changes
 * nothing.
 *
 * <p>Why: with a thread per request (virtual threads) nothing else bounds the work admitted. When clients send
 * faster than the engine commits, every accepted request holds buffers and a stack while it waits, and the
 * heap runs out long before Tomcat's connection limit. A fast refusal keeps latency bounded for the requests
 * admitted and keeps the replica healthy; probes and the admin API are not limited.
 *
 * <p>It runs after the signature check ({@code SignedRequestFilter}), which has read the body by then: a
 * permit is held only for processing, so a client that trickles its body, or cannot authenticate, holds none
 * and cannot starve the others. Shedding therefore costs a signature check per refused signed request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 110)
class InFlightLimitFilter extends OncePerRequestFilter {

    private static final byte[] REFUSAL = ("{\"code\":\"TOO_MANY_REQUESTS\",\"message\":"
            + "\"This replica is at its limit of requests in flight; retry shortly\"}").getBytes();

    private final Semaphore permits;
    private final int limit;

    InFlightLimitFilter(@Value("${exchange.http.max-in-flight:256}") int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("exchange.http.max-in-flight must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    int inFlight() {
        return limit - permits.availablePermits();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/api/") || path.startsWith("/wapi/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!permits.tryAcquire()) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "1");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(REFUSAL.length);
            response.getOutputStream().write(REFUSAL);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
