package dev.ladd.gateway.run;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The body of {@code POST /api/v1/runs}. Every field but the teacher is optional and defaults to
 * {@code ladd.gateway.run-defaults}.
 */
public record StartRunRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String teacherId,
        @Min(1) @Max(1_000_000) Integer iterations,
        @Min(1) @Max(4096) Integer batchSize,
        @Min(1) @Max(1_000_000) Integer checkpointInterval,
        Long seed,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float studentLr,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float headsLr,
        @Pattern(regexp = "cpu|gpu", message = "must be 'cpu' or 'gpu'") String device) {
}
