package dev.ladd.gateway.keys;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The body of {@code POST /api/v1/keys}; the limit defaults to {@code ladd.gateway.keys.default-rate-limit-per-minute}. */
public record CreateKeyRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}", message = "must be 1-64 letters, digits, '.', '_', '@' or '-'")
        String name,
        @NotNull @Pattern(regexp = "viewer|ml-staff|admin", message = "must be 'viewer', 'ml-staff' or 'admin'")
        String role,
        @Min(1) @Max(1_000_000) Integer rateLimitPerMinute) {
}
