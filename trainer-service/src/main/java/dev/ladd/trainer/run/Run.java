package dev.ladd.trainer.run;

import java.time.Instant;

/**
 * A distillation run as the trainer owns it.
 *
 * @param iterations     LADD iterations it trains for
 * @param iteration      the last iteration done (its metrics are stored)
 * @param shardsReceived synthetic shards recorded for it
 * @param importedFrom   the model folder of an imported run (the committed default student, docs/adr/014); null
 *                       for a run this trainer trained
 */
public record Run(String runId, String teacherId, RunState state, String requestedBy, String failureReason,
                  int shardsReceived, int iterations, int iteration, int checkpointInterval, boolean cancelRequested,
                  Instant createdAt, Instant updatedAt, String importedFrom) {
}
