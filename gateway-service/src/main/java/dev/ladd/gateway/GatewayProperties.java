package dev.ladd.gateway;

import dev.ladd.gateway.serving.Alias;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * gateway-service settings ({@code ladd.gateway.*}).
 *
 * @param adminKey      the bootstrap admin API key, a secret (env {@code LADD_GATEWAY_ADMIN_KEY}); required, and
 *                      refused at start when it is a sample value or weak ({@code ApiKeyService}: checked in code, so
 *                      that no validation message prints it); registered on start, and a new value revokes the keys
 *                      registered from earlier ones
 * @param keys          rate limits of new keys
 * @param inference     inference-service's internal API, where image requests go
 * @param routes        the services whose REST APIs the gateway proxies under {@code /api/v1/<service>/**}
 * @param autoPromotion the optional policy that promotes a better scored checkpoint by itself (off by default)
 * @param openai        the OpenAI-compatible API under {@code /v1/}
 * @param maxBodyBytes  the largest request body any other endpoint takes, the proxied services' included (a larger
 *                      one is a 413 before it is read); GET, HEAD and DELETE take none
 */
@Validated
@ConfigurationProperties("ladd.gateway")
public record GatewayProperties(String adminKey,
                                @NotNull @Valid Keys keys,
                                @NotNull @Valid Inference inference,
                                @NotNull @Valid Routes routes,
                                @NotNull @Valid AutoPromotion autoPromotion,
                                @NotNull @Valid OpenAi openai,
                                @Min(1024) @Max(64 * 1024 * 1024) int maxBodyBytes) {

    @Override
    public String toString() {   // the record's own would print the admin key
        return "GatewayProperties[adminKey=****, routes=" + routes + ", inference=" + inference + "]";
    }

    /**
     * @param defaultRateLimitPerMinute a new key's limit when its request names none
     * @param adminRateLimitPerMinute   the limit of the bootstrap admin key
     */
    public record Keys(@Min(1) @Max(1_000_000) int defaultRateLimitPerMinute,
                       @Min(1) @Max(1_000_000) int adminRateLimitPerMinute) {
    }

    /**
     * @param baseUrl        one replica, e.g. {@code http://inference:8084} (a Kubernetes Service), or several separated
     *                       by commas, e.g. {@code http://localhost:8084,http://localhost:8085}: image requests then go
     *                       round-robin, and one a replica refuses to connect or answers 503 goes on to the next (no
     *                       default: META-INF/ladd/required-settings.properties)
     * @param connectTimeout how long to wait for a connection (then: the next replica, or 503 after the last)
     * @param requestTimeout how long one generation may take, queueing included (then: 503)
     * @param markDownFor    how long a replica that refused a connection is tried only after the others
     */
    public record Inference(@NotEmpty List<@NotNull URI> baseUrl, @NotNull @DurationMin(millis = 1) Duration connectTimeout,
                            @NotNull @DurationMin(millis = 1) Duration requestTimeout,
                            @NotNull @DurationMin(millis = 0) Duration markDownFor) {
    }

    /**
     * Base URLs of the proxied services; a route's requests time out after {@code timeout}.
     *
     * @param renders how the gateway shields the services from image renders that any viewer may ask for
     */
    public record Routes(@NotNull URI trainer, @NotNull URI eval, @NotNull URI teacher, @NotNull URI inference,
                         @NotNull @DurationMin(millis = 1) Duration timeout, @NotNull @Valid Renders renders) {
    }

    /**
     * A proxied {@code GET} of a PNG (teacher-service's {@code samples.png}: up to 200 steps × 16 images; eval-service's
     * grids: a model loaded and sampled for 80 images) is a render, which any viewer may ask for. At most
     * {@code maxConcurrent} run at once per gateway instance; up to {@code maxWaiting} more wait, each at most
     * {@code maxWait}, for their turn (the dashboard asks for five grids at once); beyond that, or after waiting, a 503
     * with {@code Retry-After: retryAfter}. A 200 answer is kept for {@code cacheTtl} in a cache of at most
     * {@code cacheBytes}, keyed by service, path and query: the same grid asked again is not rendered again.
     */
    public record Renders(@Min(1) @Max(64) int maxConcurrent,
                          @Min(0) @Max(1024) int maxWaiting,
                          @NotNull @DurationMin(millis = 0) Duration maxWait,
                          @NotNull @DurationMin(seconds = 1) Duration retryAfter,
                          @NotNull DataSize cacheBytes,
                          @NotNull @DurationMin(seconds = 0) Duration cacheTtl) {
    }

    /**
     * Promote a newly scored checkpoint to {@code alias} when its student FID at {@code steps} beats the served
     * checkpoint's by at least {@code fidMargin} and its ms/image (batch 1, same steps) is at most
     * {@code maxMsPerImage}. With nothing served yet, the budget alone decides. Scores are compared only within
     * one scoring pass: the full one when both checkpoints have it, else the quick one, with {@code quickFidMargin}
     * (a quick FID is measured over fewer samples: noisier, and not comparable with a full one).
     *
     * @param quickScores whether a quick score may promote at all (false: the policy waits for the full pass)
     */
    public record AutoPromotion(boolean enabled,
                                @NotBlank @Pattern(regexp = Alias.REGEX) String alias,
                                @Min(1) @Max(16) int steps,
                                @DecimalMin("0") double fidMargin,
                                @DecimalMin(value = "0", inclusive = false) double maxMsPerImage,
                                boolean quickScores,
                                @DecimalMin("0") double quickFidMargin) {
    }

    /**
     * @param maxBodyBytes the largest request body {@code /v1/} takes (a larger one is a 413 before it is parsed);
     *                     a valid one is far smaller: its prompt, at most 1,000 characters, is at most 6,000 bytes
     *                     even written as JSON escapes (6 bytes a character)
     */
    public record OpenAi(@Min(1024) @Max(16 * 1024 * 1024) int maxBodyBytes) {
    }
}
