package dev.ladd.gateway.serving;

import java.time.Instant;

/**
 * One audited change of an alias.
 *
 * @param action promote | rollback
 * @param actor  the key name, or {@code auto-policy}
 */
public record ServingChange(long id, String alias, long revision, String action, String fromCheckpointId,
                            String toCheckpointId, String actor, String reason, Instant at) {
}
