package dev.ladd.inference.serving;

import java.time.Instant;

/** The last swap of an alias that failed on this replica: which revision, why, and what kept serving. */
public record SwapFailure(String checkpointId, long revision, String reason, String stillServingCheckpointId, Instant at) {
}
