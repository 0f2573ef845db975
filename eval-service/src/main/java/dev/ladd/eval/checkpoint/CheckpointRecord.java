package dev.ladd.eval.checkpoint;

import dev.ladd.eval.scoring.Pass;

import java.time.Instant;

/**
 * A checkpoint as eval-service knows it.
 *
 * @param state         "pending" (verified, waiting for its first score), "refused" (a blob is missing or failed its
 *                      checksum, or the models cannot be used) or "scored" (at least its quick score is announced)
 * @param scoredAt      when its first score was stored; null unless scored
 * @param quickScoredAt when its quick pass was announced; null until then
 * @param fullScoredAt  when its full pass was announced; null until then
 */
public record CheckpointRecord(String checkpointId, String runId, int step, String teacherId, String weightsSha256,
                               String state, String refusalReason, Instant receivedAt, Instant scoredAt,
                               Instant quickScoredAt, Instant fullScoredAt) {

    public static final String PENDING = "pending";
    public static final String REFUSED = "refused";
    public static final String SCORED = "scored";

    /** The most thorough pass announced so far (full supersedes quick); null before the first. */
    public Pass scoredPass() {
        return fullScoredAt != null ? Pass.FULL : quickScoredAt != null ? Pass.QUICK : null;
    }

    /** Whether this pass has been announced. */
    public boolean hasPass(Pass pass) {
        return (pass == Pass.QUICK ? quickScoredAt : fullScoredAt) != null;
    }
}
