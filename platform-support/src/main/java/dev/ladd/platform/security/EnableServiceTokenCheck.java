package dev.ladd.platform.security;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an internal service's application class: its API answers only requests carrying the service token
 * ({@link ServiceTokenFilter}). In code rather than a setting, so that no configuration can switch it off; the
 * gateway, the public entry, does not carry it (it authenticates callers by API key and sends the token).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Import(EnableServiceTokenCheck.Registration.class)
public @interface EnableServiceTokenCheck {

    @Configuration(proxyBeanMethods = false)
    class Registration {

        @Bean
        FilterRegistrationBean<ServiceTokenFilter> serviceTokenFilter(ServiceToken token, MeterRegistry meters,
                @Lazy @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
            FilterRegistrationBean<ServiceTokenFilter> registration =
                    new FilterRegistrationBean<>(new ServiceTokenFilter(token, problems, meters));
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
            registration.addUrlPatterns("/*");
            return registration;
        }
    }
}
