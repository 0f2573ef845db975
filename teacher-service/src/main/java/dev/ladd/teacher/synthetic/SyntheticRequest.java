package dev.ladd.teacher.synthetic;

import java.time.Instant;

/**
 * A synthetic-data request as teacher-service recorded it.
 *
 * @param state         "accepted" (queued for generation), "claimed" (a worker samples its next shard), "produced"
 *                      (all shards out), "failed" (gave up after its attempts) or "rejected" (never attempted), the
 *                      last two with a reason
 * @param attempts      attempts at its next shard so far
 * @param nextAttemptAt when an accepted request is due (later than now while it waits out a failed attempt's backoff)
 * @param lastError     why the last attempt failed, or null
 */
public record SyntheticRequest(String requestId, String runId, String teacherId, int numSamples, int shardSize,
                               String state, String reason, int attempts, Instant nextAttemptAt, String lastError,
                               Instant createdAt) {
}
