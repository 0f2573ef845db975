package dev.ladd.platform.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who sent the current request and with which role ({@code viewer}, {@code ml-staff}, {@code admin}), as this service
 * can trust it. An internal service trusts the gateway's {@link ServiceToken#CALLER_HEADER} and
 * {@link ServiceToken#CALLER_ROLE_HEADER} ({@link #fromGatewayHeaders()}, the default): only the gateway holds the
 * service token that {@link ServiceTokenFilter} requires. The gateway itself knows the caller from the API key.
 */
public interface CallerRole {

    String ADMIN = "admin";

    /** The caller's role; empty or null when unknown. */
    String of(HttpServletRequest request);

    /** The caller's name, for logs. */
    String name(HttpServletRequest request);

    /** The headers the gateway adds to what it forwards (trustworthy behind {@link EnableServiceTokenCheck}). */
    static CallerRole fromGatewayHeaders() {
        return new CallerRole() {
            @Override
            public String of(HttpServletRequest request) {
                return request.getHeader(ServiceToken.CALLER_ROLE_HEADER);
            }

            @Override
            public String name(HttpServletRequest request) {
                String name = request.getHeader(ServiceToken.CALLER_HEADER);
                return name == null ? "unknown" : name;
            }
        };
    }
}
