package exchange.router.auth;

import java.time.Clock;
import java.util.List;

import exchange.router.system.ApiException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
class AuthConfiguration implements WebMvcConfigurer {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    FilterRegistrationBean<SignedRequestFilter> signedRequestFilter(RequestAuthenticator authenticator,
            AuthProperties properties, ObjectMapper json) {
        FilterRegistrationBean<SignedRequestFilter> registration = new FilterRegistrationBean<>(
                new SignedRequestFilter(authenticator, properties.maxBodyBytes(), json));
        registration.addUrlPatterns("/api/v1/*", "/wapi/v1/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        return registration;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == AuthenticatedAccount.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                    NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
                Object account = webRequest.getAttribute(AuthenticatedAccount.ATTRIBUTE,
                        RequestAttributes.SCOPE_REQUEST);
                if (account == null) {
                    // Only reachable by a request form the signature filter does not know: refuse, never serve.
                    throw new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "This endpoint needs a signed request");
                }
                return account;
            }
        });
    }
}
