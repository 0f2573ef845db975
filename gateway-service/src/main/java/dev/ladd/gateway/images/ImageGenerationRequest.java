package dev.ladd.gateway.images;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ladd.gateway.serving.Alias;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /v1/images/generations}, as OpenAI's images API takes it, plus the platform's own
 * optional {@code steps} and {@code seed}. {@code model} names the serving alias ({@code default} when left out).
 *
 * @param size           "WxH", square, a multiple of 32 from 32 to 1024; default "32x32" (the model's own size); a
 *                       larger size is the 32×32 image upscaled nearest-neighbour, no added detail
 * @param responseFormat only {@code b64_json} (the default): the gateway keeps no images to link to
 */
public record ImageGenerationRequest(
        @NotBlank @Size(max = 1000) String prompt,
        @Pattern(regexp = Alias.REGEX, message = "must be a serving alias: " + Alias.RULE)
        String model,
        @Min(1) @Max(8) Integer n,
        @Size(max = 16) String size,
        @JsonProperty("response_format") @Size(max = 32) String responseFormat,
        @Min(1) @Max(8) Integer steps,
        @PositiveOrZero @Max(9_007_199_254_740_991L) Long seed) {   // 2^53 − 1, as inference-service takes (JSON-safe integers)
}
