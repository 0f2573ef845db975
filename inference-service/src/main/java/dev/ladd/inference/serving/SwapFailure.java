package dev.ladd.inference.serving;

import java.time.Instant;

/**
 * The last swap of an alias that failed on this replica: which revision, why, and what kept serving.
 *
 * @param attempts how many tries of this revision failed in a row
 * @param retryAt  when this replica tries the revision again; null: never (the checkpoint itself is at fault)
 */
public record SwapFailure(String checkpointId, long revision, String reason, String stillServingCheckpointId, Instant at,
                          int attempts, Instant retryAt) {
}
