package dev.ladd.gateway.keys;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Every request but the open ones ({@link AccessPolicy}) needs {@code Authorization: Bearer <key>} of an active
 * key whose role covers the endpoint, within the key's rate limit: else 401, 403 or 429 (+ Retry-After), each an
 * {@code application/problem+json} body. The key goes on as the request attribute {@link #CALLER}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

    public static final String CALLER = ApiKeyFilter.class.getName() + ".caller";

    private final ApiKeyService keys;
    private final RateLimiter limiter;

    public ApiKeyFilter(ApiKeyService keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
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
            problem(response, path, 401, "Unauthorized", "this endpoint needs an API key: 'Authorization: Bearer <key>'");
            return;
        }
        Optional<ApiKey> key = keys.authenticate(header.substring(7).trim());
        if (key.isEmpty()) {
            problem(response, path, 401, "Unauthorized", "unknown or revoked API key");
            return;
        }
        ApiKey caller = key.get();
        if (!caller.roleValue().includes(required.get())) {
            problem(response, path, 403, "Forbidden", "key '" + caller.name() + "' has role '" + caller.role()
                    + "'; " + request.getMethod() + " " + path + " needs role '" + required.get().label() + "' or above");
            return;
        }
        long retryAfter = limiter.acquire(caller.name(), caller.rateLimitPerMinute());
        if (retryAfter > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
            problem(response, path, 429, "Too Many Requests", "key '" + caller.name() + "' is over its limit of "
                    + caller.rateLimitPerMinute() + " requests per minute; retry after " + retryAfter + " s");
            return;
        }
        request.setAttribute(CALLER, caller);
        chain.doFilter(request, response);
    }

    private static void problem(HttpServletResponse response, String path, int status, String title, String detail)
            throws IOException {
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + json(detail) + "\",\"instance\":\"" + json(path) + "\"}");
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
