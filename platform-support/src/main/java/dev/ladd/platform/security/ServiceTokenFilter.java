package dev.ladd.platform.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import java.io.IOException;

/**
 * An internal service answers only the gateway: every request but the health probes ({@code /livez}, {@code /readyz})
 * and the actuator (on this port only where no separate management port is set: the one-box launcher binds such
 * services to loopback) needs {@link ServiceToken#HEADER} with the service token, else a 401 problem. The actuator
 * on a separate management port ({@code management.server.port}) is not behind this filter; the deployments let only
 * the metrics scraper reach that port.
 */
public class ServiceTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ServiceTokenFilter.class);

    private final ServiceToken token;
    private final HandlerExceptionResolver problems;
    private final Counter refused;

    public ServiceTokenFilter(ServiceToken token, HandlerExceptionResolver problems, MeterRegistry meters) {
        this.token = token;
        this.problems = problems;
        this.refused = Counter.builder("ladd.service.auth.refused")
                .description("requests refused for a missing or wrong service token").register(meters);
    }

    /** Open without the token: the probes and the actuator (the decoded, normalised path, as the servlet maps it). */
    static boolean isOpen(String path) {
        return path.equals("/livez") || path.equals("/readyz") || path.equals("/actuator")
                || path.startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (isOpen(path)) {
            chain.doFilter(request, response);
            return;
        }
        String presented = request.getHeader(ServiceToken.HEADER);
        if (token.matches(presented)) {
            chain.doFilter(request, response);
            return;
        }
        refused.increment();
        log.debug("refused {} {} from {}: {} service token", request.getMethod(), path, request.getRemoteAddr(),
                presented == null ? "no" : "a wrong");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, (presented == null
                ? "this service answers only the gateway: header " + ServiceToken.HEADER + " is missing"
                : "the " + ServiceToken.HEADER + " header does not hold this platform's service token")
                + "; call it through the gateway (/api/v1/<service>/...) with an API key");
        ErrorResponseException error = new ErrorResponseException(HttpStatus.UNAUTHORIZED, problem, null);
        if (problems.resolveException(request, response, null, error) == null) {
            throw error;
        }
    }
}
