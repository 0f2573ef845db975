package dev.ladd.eval.checkpoint;

import java.time.Instant;

/**
 * A checkpoint as eval-service knows it.
 *
 * @param state "pending" (verified, waiting to be scored), "refused" (a blob failed its checksum) or "scored"
 */
public record CheckpointRecord(String checkpointId, String runId, int step, String teacherId, String weightsSha256,
                               String state, String refusalReason, Instant receivedAt) {
}
