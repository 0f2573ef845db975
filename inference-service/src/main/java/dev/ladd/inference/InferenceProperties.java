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
     */
    public record Swap(boolean enabled, @NotNull Duration pollInterval) {
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
