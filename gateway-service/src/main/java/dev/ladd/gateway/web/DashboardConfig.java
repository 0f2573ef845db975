package dev.ladd.gateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;

/**
 * The dashboard's static files are under {@code static/dashboard/}; its short addresses lead to its page. Its answers
 * carry a strict Content-Security-Policy: scripts, styles and connections only from this origin (the dashboard is
 * plain ES modules and a style sheet, with no inline script or style, ADR 012), images also as {@code data:} (the
 * playground's PNG) and {@code blob:} (the sample grids, fetched with the key), and no page may frame it.
 */
@Configuration
class DashboardConfig implements WebMvcConfigurer {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/dashboard", "/dashboard/index.html");
        registry.addRedirectViewController("/dashboard/", "/dashboard/index.html");
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> dashboardSecurityHeaders() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
                return !(path.equals("/dashboard") || path.startsWith("/dashboard/"));
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                response.setHeader("X-Frame-Options", "DENY");   // for browsers without frame-ancestors
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Referrer-Policy", "no-referrer");
                chain.doFilter(request, response);
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
