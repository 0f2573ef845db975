package dev.ladd.teacher;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * teacher-service settings ({@code ladd.teacher.*}).
 *
 * @param limits          what a synthetic-data request may ask for; anything beyond is rejected, not attempted
 * @param defaultModelDir a model folder (teacher.json/.safetensors, autoencoder.json/.safetensors) registered as
 *                        teacher "default" on start if no such teacher exists; unset: none
 * @param imports         where {@code POST /api/v1/teachers/import} may read model folders from
 * @param generation      the synthetic-data worker: claims, leases, retries (docs/adr/016)
 * @param training        the training-job worker (docs/adr/016)
 */
@Validated
@ConfigurationProperties("ladd.teacher")
public record TeacherProperties(@NotNull @Valid Limits limits, Path defaultModelDir, @NotNull @Valid Imports imports,
                                @NotNull @Valid Generation generation, @NotNull @Valid Training training) {

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

    /**
     * The synthetic-data worker claims a request for one shard at a time, samples it outside any transaction and
     * records it; an attempt that fails is retried after a backoff, other requests are served meanwhile.
     *
     * @param enabled        whether this instance generates shards (false: it only records requests)
     * @param pollInterval   how often an idle worker looks for a request that is due
     * @param maxAttempts    attempts at one shard before the request fails with the last error as its reason (an
     *                       attempt whose worker died, i.e. whose lease lapsed, counts too)
     * @param initialBackoff the wait after the first failed attempt; it doubles with every further one
     * @param maxBackoff     the longest wait between two attempts
     * @param lease          how long a claim holds a request: longer than sampling one shard takes; a worker that dies
     *                       holding a claim delays the request by at most this
     */
    public record Generation(boolean enabled, @NotNull @DurationMin(millis = 1) Duration pollInterval,
                             @Min(1) @Max(100) int maxAttempts,
                             @NotNull @DurationMin(millis = 1) Duration initialBackoff,
                             @NotNull @DurationMin(millis = 1) Duration maxBackoff,
                             @NotNull @DurationMin(seconds = 1) Duration lease) {

        @AssertTrue(message = "ladd.teacher.generation.max-backoff must not be shorter than initial-backoff")
        public boolean isMaxBackoffAtLeastInitial() {
            return initialBackoff == null || maxBackoff == null || maxBackoff.compareTo(initialBackoff) >= 0;
        }

        /** The wait before attempt {@code attempts + 1} after {@code attempts} failed ones (≥ 1): doubling, capped. */
        public Duration backoffAfter(int attempts) {
            int doublings = Math.min(Math.max(attempts - 1, 0), 30);
            Duration wait = initialBackoff.multipliedBy(1L << doublings);
            return wait.compareTo(maxBackoff) > 0 || wait.isNegative() ? maxBackoff : wait;
        }
    }

    /**
     * Training jobs are rows in the database; a worker claims the oldest queued one (and any running one whose
     * worker died) under a PostgreSQL advisory lock, as trainer-service does with runs.
     *
     * @param enabled      whether this instance trains (false: it only records and serves jobs)
     * @param pollInterval how often an idle worker looks for a queued job
     */
    public record Training(boolean enabled, @NotNull @DurationMin(millis = 1) Duration pollInterval) {
    }
}
