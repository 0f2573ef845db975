package dev.ladd.inference;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * inference-service settings ({@code ladd.inference.*}).
 *
 * @param maxBatchSize requests grouped into one model call at most
 * @param maxBatchWait how long the first request of a batch waits for company
 * @param queueCapacity requests waiting at most; beyond it the service answers 429/503
 */
@Validated
@ConfigurationProperties("ladd.inference")
public record InferenceProperties(@Min(1) @Max(1024) int maxBatchSize,
                                  @NotNull Duration maxBatchWait,
                                  @Min(1) int queueCapacity) {
}
