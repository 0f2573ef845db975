package dev.ladd.gateway.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ladd.events.v1.ModelRef;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint as the gateway learnt it from {@code CheckpointPublished} (claim checks) and
 * {@code CheckpointScored} (scores of a quick and then a full pass, or refused).
 *
 * @param student     the checkpoint's blobs; null until CheckpointPublished came
 * @param autoencoder its latent space's decoder; null when the event named none
 * @param scoreState unscored | scored | refused (JSON: lower case)
 * @param scorePass  the most thorough pass received: "quick" or "full" (null before the first)
 * @param allScores  the scores of every pass received
 */
public record CheckpointRecord(String checkpointId, String runId, Integer step, String teacherId,
                               @JsonIgnore ModelRef student, @JsonIgnore ModelRef autoencoder,
                               Instant publishedAt, ScoreState scoreState, String scorePass, String refusalReason,
                               Instant scoredAt, @JsonIgnore List<ScoreRow> allScores) {

    public boolean published() {
        return student != null;
    }

    @JsonProperty("weightsSha256")
    public String weightsSha256() {
        return student == null ? null : student.getWeights().getSha256();
    }

    /** The scores shown: those of {@link #scorePass()}, each naming its pass. */
    @JsonProperty("scores")
    public List<ScoreRow> scores() {
        return allScores.stream().filter(s -> s.pass().equals(scorePass)).toList();
    }

    /** Whether scores of this pass were received. */
    public boolean hasPass(String pass) {
        return allScores.stream().anyMatch(s -> s.pass().equals(pass));
    }

    /** The student's score at this many steps in a pass, if received. */
    public Optional<ScoreRow> student(String pass, int steps) {
        return allScores.stream().filter(s -> s.pass().equals(pass) && s.sampler().equals("student") && s.steps() == steps)
                .findFirst();
    }

    public CheckpointRecord withScores(List<ScoreRow> rows) {
        return new CheckpointRecord(checkpointId, runId, step, teacherId, student, autoencoder, publishedAt, scoreState, scorePass, refusalReason, scoredAt, rows);
    }
}
