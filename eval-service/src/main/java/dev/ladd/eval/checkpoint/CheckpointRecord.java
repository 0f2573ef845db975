package dev.ladd.eval.checkpoint;

import java.time.Instant;

/**
 * A checkpoint as eval-service knows it.
 *
 * @param state     "pending" (verified, waiting to be scored), "refused" (a blob is missing or failed its
 *                  checksum, or the models cannot be used) or "scored"
 * @param scoredAt  when its scores were stored; null unless scored
 */
public record CheckpointRecord(String checkpointId, String runId, int step, String teacherId, String weightsSha256,
                               String state, String refusalReason, Instant receivedAt, Instant scoredAt) {

    public static final String PENDING = "pending";
    public static final String REFUSED = "refused";
    public static final String SCORED = "scored";
}
