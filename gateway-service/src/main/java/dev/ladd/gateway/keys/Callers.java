package dev.ladd.gateway.keys;

import jakarta.servlet.http.HttpServletRequest;

/** The key that sent the current request (set by {@link ApiKeyFilter}). */
public final class Callers {

    private Callers() {
    }

    public static String name(HttpServletRequest request) {
        return request.getAttribute(ApiKeyFilter.CALLER) instanceof ApiKey key ? key.name() : "anonymous";
    }

    /** The caller's role label ({@code viewer}, {@code ml-staff}, {@code admin}); empty without a key. */
    public static String role(HttpServletRequest request) {
        return request.getAttribute(ApiKeyFilter.CALLER) instanceof ApiKey key ? key.roleValue().label() : "";
    }
}
