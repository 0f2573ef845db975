package dev.ladd.trainer.web;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** The body of the trainer's {@code POST /api/v1/runs}; fields left out take the paper's defaults. */
record StartRunBody(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String teacherId,
        @Min(1) @Max(1_000_000) Integer iterations,
        @Min(1) @Max(1_000_000) Integer checkpointInterval,
        @Min(1) @Max(4096) Integer batchSize,
        Long seed,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float studentLearningRate,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float headLearningRate) {
}
