package dev.ladd.trainer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * trainer-service settings ({@code ladd.trainer.*}).
 *
 * @param syntheticData how the trainer asks teacher-service for synthetic latents
 * @param execution     the training worker
 */
@Validated
@ConfigurationProperties("ladd.trainer")
public record TrainerProperties(@NotNull @Valid SyntheticData syntheticData, @NotNull @Valid Execution execution) {

    /**
     * A run's synthetic dataset is {@code requestsPerRun} requests of {@code samplesPerRequest} latents; the
     * trainer publishes request k + 1 when it starts reading request k, so at most two requests' shards wait.
     *
     * @param samplesPerRequest latents asked for in one request
     * @param requestsPerRun    requests in a run's dataset (iterations beyond it cycle over the data again)
     * @param shardSize         latents per shard
     * @param samplerSteps      teacher Euler steps per sample
     * @param cfgScale          teacher classifier-free guidance scale
     */
    public record SyntheticData(@Min(1) @Max(1_000_000) int samplesPerRequest,
                                @Min(1) @Max(1000) int requestsPerRun,
                                @Min(1) @Max(65_536) int shardSize,
                                @Min(1) @Max(1000) int samplerSteps,
                                @DecimalMin("0.0") float cfgScale) {
    }

    /**
     * @param enabled      whether this instance trains (false: it only records runs and data)
     * @param pollInterval how often an idle worker looks for a run with data
     */
    public record Execution(boolean enabled, @NotNull Duration pollInterval) {
    }
}
