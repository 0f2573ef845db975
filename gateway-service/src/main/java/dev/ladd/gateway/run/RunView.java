package dev.ladd.gateway.run;

import java.time.Instant;

/**
 * A run as the gateway shows it, kept up to date from the trainer's lifecycle events.
 *
 * @param state requested | training | completed | failed | cancelled
 */
public record RunView(String runId, String teacherId, String state, String reason, String requestedBy,
                      Instant createdAt, Instant updatedAt) {
}
