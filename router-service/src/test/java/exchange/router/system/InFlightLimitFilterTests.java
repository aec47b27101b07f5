package exchange.router.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class InFlightLimitFilterTests {

    @Test
    void refusesRequestsBeyondTheLimitAndAdmitsAgainOnceOneEnds() throws Exception {
        InFlightLimitFilter filter = new InFlightLimitFilter(2);
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] holders = new Thread[2];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = Thread.ofVirtual().start(() -> {
                try {
                    filter.doFilter(new MockHttpServletRequest("POST", "/api/v1/order"),
                            new MockHttpServletResponse(), (request, response) -> {
                                entered.countDown();
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(filter.inFlight()).isEqualTo(2);

        MockHttpServletResponse refused = new MockHttpServletResponse();
        MockFilterChain untouched = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest("POST", "/api/v1/order"), refused, untouched);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).startsWith("{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"");
        assertThat(untouched.getRequest()).as("the refused request reaches nothing behind the filter").isNull();

        MockHttpServletResponse wsApi = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/wapi/v1/history/orders"), wsApi, new MockFilterChain());
        assertThat(wsApi.getStatus()).isEqualTo(503);

        MockFilterChain probe = new MockFilterChain();
        MockHttpServletResponse health = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/actuator/health/readiness"), health, probe);
        assertThat(probe.getRequest()).as("probes are never shed").isNotNull();
        assertThat(health.getStatus()).isEqualTo(200);

        release.countDown();
        for (Thread holder : holders) {
            holder.join(5_000);
        }
        assertThat(filter.inFlight()).isZero();
        MockFilterChain admitted = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest("POST", "/api/v1/order"), new MockHttpServletResponse(), admitted);
        assertThat(admitted.getRequest()).isNotNull();
        assertThat(filter.inFlight()).isZero();
    }

    @Test
    void aFailingRequestGivesItsPermitBack() {
        InFlightLimitFilter filter = new InFlightLimitFilter(1);
        for (int i = 0; i < 3; i++) {
            try {
                filter.doFilter(new MockHttpServletRequest("POST", "/api/v1/order"), new MockHttpServletResponse(),
                        (request, response) -> {
                            throw new IllegalStateException("boom");
                        });
            } catch (Exception expected) {
                assertThat(expected).hasMessageContaining("boom");
            }
        }
        assertThat(filter.inFlight()).isZero();
    }
}
