package dev.ladd.platform.security;

import java.net.http.HttpRequest;

/**
 * The shared secret that proves a request to teacher-, trainer-, eval- or inference-service comes from the gateway
 * ({@code ladd.service-auth.token}, environment variable {@value #ENVIRONMENT_VARIABLE}; required by every service,
 * checked like any secret at start). The gateway adds it as header {@value #HEADER}; the other services refuse a
 * request without it ({@link ServiceTokenFilter}).
 */
public final class ServiceToken {

    public static final String HEADER = "X-Ladd-Service-Token";
    public static final String PROPERTY = "ladd.service-auth.token";
    public static final String ENVIRONMENT_VARIABLE = "LADD_SERVICE_TOKEN";
    /** The gateway's caller (the API key's name) on a request it forwards; trustworthy only with the token. */
    public static final String CALLER_HEADER = "X-Ladd-Caller";
    /** The caller's role ({@code viewer}, {@code ml-staff}, {@code admin}) on a request the gateway forwards. */
    public static final String CALLER_ROLE_HEADER = "X-Ladd-Caller-Role";

    private final String token;

    public ServiceToken(String token) {
        this.token = InsecureSettingException.require(PROPERTY, ENVIRONMENT_VARIABLE, token);
    }

    /** Adds the token to a request to another service. */
    public HttpRequest.Builder addTo(HttpRequest.Builder request) {
        return request.header(HEADER, token);
    }

    /** Whether a presented header value is the token (constant time). */
    public boolean matches(String presented) {
        return Secrets.equal(token, presented);
    }

    @Override
    public String toString() {
        return "ServiceToken[****]";
    }
}
