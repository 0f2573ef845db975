package dev.ladd.teacher;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * teacher-service settings ({@code ladd.teacher.*}).
 *
 * @param limits what a synthetic-data request may ask for; anything beyond is rejected, not attempted
 */
@Validated
@ConfigurationProperties("ladd.teacher")
public record TeacherProperties(@NotNull @Valid Limits limits) {

    public record Limits(@Min(1) int maxSamplesPerRequest,
                         @Min(1) int maxShardSize,
                         @Min(1) @Max(10_000) int maxSamplerSteps,
                         @Min(0) float maxCfgScale) {
    }
}
