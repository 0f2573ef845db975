package dev.ladd.gateway.serving;

import java.time.Instant;

/**
 * What inference-service last reported for an alias.
 *
 * @param status "serving" or "swap-failed"
 */
public record ServingStatus(String alias, String checkpointId, long revision, String status, String reason,
                            Instant updatedAt) {
}
