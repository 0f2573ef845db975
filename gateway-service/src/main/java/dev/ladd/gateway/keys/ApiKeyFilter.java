package dev.ladd.gateway.keys;

import dev.ladd.gateway.Problems;
import dev.ladd.gateway.web.FilterProblems;
import dev.ladd.platform.web.ProblemDetailsAdvice;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * Every request but the open ones ({@link AccessPolicy}) needs {@code Authorization: Bearer <key>} of an active
 * key whose role covers the endpoint, within the key's rate limit: else 401, 403 or 429 (+ Retry-After), answered
 * through {@link FilterProblems} like any other error ({@code application/problem+json}, OpenAI's shape under
 * {@code /v1/}). The key goes on as the request attribute {@link #CALLER}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

    public static final String CALLER = ApiKeyFilter.class.getName() + ".caller";

    private final ApiKeyService keys;
    private final RateLimiter limiter;
    private final FilterProblems problems;

    public ApiKeyFilter(ApiKeyService keys, RateLimiter limiter, FilterProblems problems) {
        this.keys = keys;
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the decoded, normalised path ('/actuator/../api/v1/keys' is '/api/v1/keys' here), as the servlet maps it
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Optional<Role> required = AccessPolicy.required(request.getMethod(), path);
        if (required.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            problems.send(request, response, Problems.unauthorized(
                    "this endpoint needs an API key: 'Authorization: Bearer <key>'", null));
            return;
        }
        Optional<ApiKey> key;
        try {
            key = keys.authenticate(header.substring(7).trim());
        } catch (RuntimeException e) {
            if (!ProblemDetailsAdvice.isDatabaseUnavailable(e)) {
                throw e;
            }
            // the key store is PostgreSQL: while it is down, a 503 the client may retry, not a 500
            ErrorResponseException unavailable = Problems.unavailable(ProblemDetailsAdvice.DATABASE_UNAVAILABLE);
            unavailable.getHeaders().set("Retry-After", String.valueOf(ProblemDetailsAdvice.DATABASE_RETRY_AFTER_SECONDS));
            problems.send(request, response, unavailable);
            return;
        }
        if (key.isEmpty()) {
            problems.send(request, response, Problems.unauthorized("unknown or revoked API key", "invalid_api_key"));
            return;
        }
        ApiKey caller = key.get();
        if (!caller.roleValue().includes(required.get())) {
            problems.send(request, response, Problems.of(HttpStatus.FORBIDDEN, "key '" + caller.name() + "' has role '"
                    + caller.role() + "'; " + request.getMethod() + " " + path + " needs role '"
                    + required.get().label() + "' or above"));
            return;
        }
        long retryAfter = limiter.acquire(caller.name(), caller.rateLimitPerMinute());
        if (retryAfter > 0) {
            problems.send(request, response, Problems.withCode(Problems.tooManyRequests("key '" + caller.name()
                    + "' is over its limit of " + caller.rateLimitPerMinute() + " requests per minute; retry after "
                    + retryAfter + " s", retryAfter), "rate_limit_exceeded"));
            return;
        }
        request.setAttribute(CALLER, caller);
        chain.doFilter(request, response);
    }
}
