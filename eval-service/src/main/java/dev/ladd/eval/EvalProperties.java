package dev.ladd.eval;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.util.List;

/**
 * eval-service settings ({@code ladd.eval.*}).
 *
 * @param samples      samples generated per scored configuration
 * @param studentSteps student step counts scored for every checkpoint
 */
@Validated
@ConfigurationProperties("ladd.eval")
public record EvalProperties(@Min(10) @Max(100_000) int samples,
                             @NotEmpty List<@Min(1) @Max(64) Integer> studentSteps) {
}
