package dev.ladd.gateway.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ladd.events.v1.BlobRef;

import java.time.Instant;
import java.util.List;

/**
 * A checkpoint as the gateway learnt it from {@code CheckpointPublished} (claim checks) and
 * {@code CheckpointScored} (scores, or refused).
 *
 * @param scoreState unscored | scored | refused
 */
public record CheckpointRecord(String checkpointId, String runId, Integer step, String teacherId,
                               @JsonIgnore BlobRef weights, @JsonIgnore BlobRef manifest,
                               @JsonIgnore BlobRef autoencoderWeights, @JsonIgnore BlobRef autoencoderManifest,
                               Instant publishedAt, String scoreState, String refusalReason, Instant scoredAt,
                               List<ScoreRow> scores) {

    public boolean published() {
        return weights != null && manifest != null;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("weightsSha256")
    public String weightsSha256() {
        return weights == null ? null : weights.getSha256();
    }

    /** The student's score at this many steps, if scored. */
    public java.util.Optional<ScoreRow> student(int steps) {
        return scores.stream().filter(s -> s.sampler().equals("student") && s.steps() == steps).findFirst();
    }

    public CheckpointRecord withScores(List<ScoreRow> rows) {
        return new CheckpointRecord(checkpointId, runId, step, teacherId, weights, manifest, autoencoderWeights,
                autoencoderManifest, publishedAt, scoreState, refusalReason, scoredAt, rows);
    }
}
