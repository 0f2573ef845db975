package dev.ladd.gateway.serving;

import java.time.Instant;

/**
 * What one inference replica last reported for an alias, beside what the alias should serve.
 *
 * @param checkpointId         what the replica serves ('' when nothing yet)
 * @param revision             the revision of its last report: the one it serves, or the one whose swap failed
 * @param status               "serving" or "swap-failed"
 * @param desiredCheckpointId  what the gateway promoted on the alias (null: not promoted here)
 * @param desiredRevision      its revision (null: not promoted here)
 * @param current              whether the replica serves what the alias should (false while it swaps, after a failed
 *                             swap, or when it was left behind)
 */
public record ReplicaStatus(String alias, String replica, String checkpointId, long revision, String status,
                            String reason, String desiredCheckpointId, Long desiredRevision, boolean current,
                            Instant updatedAt) {

    static ReplicaStatus of(String alias, String replica, String checkpointId, long revision, String status,
                            String reason, String desiredCheckpointId, Long desiredRevision, Instant updatedAt) {
        boolean current = desiredRevision != null && status.equals("serving") && revision == desiredRevision;
        return new ReplicaStatus(alias, replica, checkpointId, revision, status, reason, desiredCheckpointId,
                desiredRevision, current, updatedAt);
    }
}
