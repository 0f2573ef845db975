package dev.ladd.trainer.run;

import java.time.Instant;

/** A distillation run as the trainer owns it. */
public record Run(String runId, String teacherId, RunState state, String requestedBy, String failureReason,
                  int shardsReceived, Instant createdAt, Instant updatedAt) {
}
