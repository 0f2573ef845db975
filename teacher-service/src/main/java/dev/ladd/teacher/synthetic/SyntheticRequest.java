package dev.ladd.teacher.synthetic;

import java.time.Instant;

/**
 * A synthetic-data request as teacher-service recorded it.
 *
 * @param state "accepted" (queued for generation), "produced" (all shards out), "failed" or "rejected" (with a reason)
 */
public record SyntheticRequest(String requestId, String runId, String teacherId, int numSamples, int shardSize,
                               String state, String reason, Instant createdAt) {
}
