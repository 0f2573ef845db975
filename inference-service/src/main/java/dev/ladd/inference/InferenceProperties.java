package dev.ladd.inference;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * inference-service settings ({@code ladd.inference.*}).
 *
 * @param maxBatchSize  images generated in one model call at most (a request of n images is never split)
 * @param fixedCallShape every model call makes exactly maxBatchSize images (padded): an image is then bit-identical
 *                      whatever its batch (same prompt, steps and seed → same PNG bytes), at the price of a full
 *                      call for a lone request; false: calls as large as the batch (faster at low load, but about
 *                      one PNG in twenty differs in a pixel by one grey level between batch sizes)
 * @param maxBatchWait  how long the oldest waiting request waits for company before its batch runs anyway
 * @param queueCapacity requests waiting at most; beyond it the service answers 429 with Retry-After
 * @param retryAfter    what a 429 tells the client to wait (whole seconds, at least 1)
 * @param replicaId     names this replica in ModelServing / ModelSwapFailed; blank = the host name
 * @param swap          how this replica follows the desired model of each alias
 */
@Validated
@ConfigurationProperties("ladd.inference")
public record InferenceProperties(@Min(1) @Max(1024) int maxBatchSize,
                                  boolean fixedCallShape,
                                  @NotNull Duration maxBatchWait,
                                  @Min(1) @Max(1_000_000) int queueCapacity,
                                  @NotNull Duration retryAfter,
                                  String replicaId,
                                  @NotNull @Valid Swap swap) {

    public InferenceProperties {
        if (maxBatchWait != null && (maxBatchWait.isNegative() || maxBatchWait.compareTo(Duration.ofSeconds(10)) > 0)) {
            throw new IllegalArgumentException("ladd.inference.max-batch-wait must be between 0 and 10s, got " + maxBatchWait);
        }
        if (replicaId == null || replicaId.isBlank()) {
            replicaId = hostName();
        }
    }

    /**
     * @param enabled      whether this replica loads models at all (false: it only records the desired ones)
     * @param pollInterval how often the swap worker compares the desired models (PostgreSQL) with the served ones;
     *                     a change consumed by this replica wakes it at once
     * @param retryDelay   after a swap failed for a passing reason (a blob that could not be read), the wait before
     *                     the first retry; doubled after each further failure of the same revision
     * @param maxRetryDelay the longest wait between retries (a replica keeps retrying until the swap succeeds or the
     *                     alias gets a newer revision)
     */
    public record Swap(boolean enabled, @NotNull Duration pollInterval, @NotNull Duration retryDelay,
                       @NotNull Duration maxRetryDelay) {

        public Swap {
            if (retryDelay != null && (retryDelay.isNegative() || retryDelay.isZero())) {
                throw new IllegalArgumentException("ladd.inference.swap.retry-delay must be positive, got " + retryDelay);
            }
            if (retryDelay != null && maxRetryDelay != null && maxRetryDelay.compareTo(retryDelay) < 0) {
                throw new IllegalArgumentException("ladd.inference.swap.max-retry-delay (" + maxRetryDelay
                        + ") must be at least ladd.inference.swap.retry-delay (" + retryDelay + ")");
            }
        }

        /** The wait before the next try after the {@code failures}-th failure in a row of one revision. */
        public Duration retryAfter(int failures) {
            long millis = retryDelay.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
            return millis <= 0 || millis > maxRetryDelay.toMillis() ? maxRetryDelay : Duration.ofMillis(millis);
        }
    }

    /** Retry-After in whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "inference-" + ProcessHandle.current().pid();
        }
    }
}
