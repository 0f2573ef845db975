package dev.ladd.trainer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * trainer-service settings ({@code ladd.trainer.*}).
 *
 * @param syntheticData how the trainer asks teacher-service for synthetic latents
 */
@Validated
@ConfigurationProperties("ladd.trainer")
public record TrainerProperties(@NotNull @Valid SyntheticData syntheticData) {

    /**
     * @param samplesPerRequest latents asked for in one request
     * @param shardSize         latents per shard
     * @param samplerSteps      teacher Euler steps per sample
     * @param cfgScale          teacher classifier-free guidance scale
     */
    public record SyntheticData(@Min(1) @Max(1_000_000) int samplesPerRequest,
                                @Min(1) @Max(65_536) int shardSize,
                                @Min(1) @Max(1000) int samplerSteps,
                                @DecimalMin("0.0") float cfgScale) {
    }
}
