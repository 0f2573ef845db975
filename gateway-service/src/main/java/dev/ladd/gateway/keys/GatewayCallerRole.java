package dev.ladd.gateway.keys;

import dev.ladd.platform.security.CallerRole;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The gateway knows its callers from their API keys ({@link Callers}), never from the caller headers, which a client
 * could send itself: platform-support's admin endpoints (the parked outbox events) ask this.
 */
@Component
class GatewayCallerRole implements CallerRole {

    @Override
    public String of(HttpServletRequest request) {
        return Callers.role(request);
    }

    @Override
    public String name(HttpServletRequest request) {
        return Callers.name(request);
    }
}
