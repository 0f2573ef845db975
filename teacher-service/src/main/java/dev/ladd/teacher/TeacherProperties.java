package dev.ladd.teacher;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;

/**
 * teacher-service settings ({@code ladd.teacher.*}).
 *
 * @param limits          what a synthetic-data request may ask for; anything beyond is rejected, not attempted
 * @param defaultModelDir a model folder (teacher.json/.safetensors, autoencoder.json/.safetensors) registered as
 *                        teacher "default" on start if no such teacher exists; unset: none
 */
@Validated
@ConfigurationProperties("ladd.teacher")
public record TeacherProperties(@NotNull @Valid Limits limits, Path defaultModelDir) {

    public record Limits(@Min(1) int maxSamplesPerRequest,
                         @Min(1) int maxShardSize,
                         @Min(1) @Max(10_000) int maxSamplerSteps,
                         @Min(0) float maxCfgScale) {
    }
}
