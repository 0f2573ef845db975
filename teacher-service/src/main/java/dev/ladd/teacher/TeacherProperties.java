package dev.ladd.teacher;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;

/**
 * teacher-service settings ({@code ladd.teacher.*}).
 *
 * @param limits          what a synthetic-data request may ask for; anything beyond is rejected, not attempted
 * @param defaultModelDir a model folder (teacher.json/.safetensors, autoencoder.json/.safetensors) registered as
 *                        teacher "default" on start if no such teacher exists; unset: none
 * @param imports         where {@code POST /api/v1/teachers/import} may read model folders from
 */
@Validated
@ConfigurationProperties("ladd.teacher")
public record TeacherProperties(@NotNull @Valid Limits limits, Path defaultModelDir, @NotNull @Valid Imports imports) {

    public record Limits(@Min(1) int maxSamplesPerRequest,
                         @Min(1) int maxShardSize,
                         @Min(1) @Max(10_000) int maxSamplerSteps,
                         @Min(0) float maxCfgScale) {
    }

    /**
     * @param root     the only folder (with its subfolders) the import API reads; unset: the API refuses every import
     *                 (403). Must exist when set.
     * @param maxBytes the most an import may read, all its files together (they are held in memory while verified)
     */
    public record Imports(Path root, @NotNull DataSize maxBytes) {
    }
}
