package dev.ladd.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * gateway-service settings ({@code ladd.gateway.*}).
 *
 * @param runDefaults what a new run gets for every field its request leaves out
 */
@Validated
@ConfigurationProperties("ladd.gateway")
public record GatewayProperties(@NotNull @Valid RunDefaults runDefaults) {

    /** The defaults of a distillation run started through the API. */
    public record RunDefaults(@Min(1) int iterations,
                              @Min(1) int batchSize,
                              @Min(1) int checkpointInterval,
                              @DecimalMin(value = "0", inclusive = false) float studentLr,
                              @DecimalMin(value = "0", inclusive = false) float headsLr) {
    }
}
