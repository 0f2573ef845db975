package dev.ladd.gateway.keys;

import java.time.Instant;

/** A key as the API shows it: never the key itself, which only its creator sees once. */
public record ApiKey(String name, String role, int rateLimitPerMinute, Instant createdAt, String createdBy,
                     boolean revoked, Instant revokedAt) {

    public Role roleValue() {
        return Role.fromLabel(role).orElse(Role.VIEWER);
    }
}
