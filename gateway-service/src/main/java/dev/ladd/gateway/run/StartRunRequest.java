package dev.ladd.gateway.run;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The body of {@code POST /api/v1/runs}. Every field but the teacher is optional: iterations, batch size,
 * checkpoint interval and learning rates default to {@code ladd.gateway.run-defaults}, the LADD switches
 * (student noise, distillation, EMA, R1, t̂ mean, head updates and width, the student sampler's fresh-noise
 * share) to the paper's values.
 */
public record StartRunRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String teacherId,
        @Min(1) @Max(1_000_000) Integer iterations,
        @Min(1) @Max(4096) Integer batchSize,
        @Min(1) @Max(1_000_000) Integer checkpointInterval,
        Long seed,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float studentLearningRate,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float headLearningRate,
        @Pattern(regexp = "cpu|gpu", message = "must be 'cpu' or 'gpu'") String device,
        @Pattern(regexp = "fresh|shard", message = "must be 'fresh' or 'shard'") String studentNoise,
        @DecimalMin("0") @DecimalMax("1000") Float distillationWeight,
        @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Float emaDecay,
        @DecimalMin("-5") @DecimalMax("5") Float renoiseMean,
        @Min(1) @Max(16) Integer discriminatorSteps,
        @DecimalMin("0") @DecimalMax("1000") Float r1Weight,
        @Min(1) @Max(1024) Integer headChannels,
        @DecimalMin("0") @DecimalMax("1") Float samplerEta) {
}
