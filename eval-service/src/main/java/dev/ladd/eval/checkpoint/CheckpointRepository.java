package dev.ladd.eval.checkpoint;

import dev.ladd.eval.scoring.Pass;
import dev.ladd.eval.scoring.StoredModel;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.ml.blob.BlobId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

/** The checkpoint table of the eval schema. */
@Repository
public class CheckpointRepository {

    private static final RowMapper<CheckpointRecord> CHECKPOINT = (rs, i) -> new CheckpointRecord(
            rs.getString("checkpoint_id"), rs.getString("run_id"), rs.getInt("step"), rs.getString("teacher_id"),
            rs.getString("weights_sha256"), rs.getString("state"), rs.getString("refusal_reason"),
            rs.getTimestamp("received_at").toInstant(), instant(rs.getTimestamp("scored_at")),
            instant(rs.getTimestamp("quick_scored_at")), instant(rs.getTimestamp("full_scored_at")));

    /** The models scoring a checkpoint needs, all verified when it was recorded as pending. */
    public record Models(StoredModel student, StoredModel teacher, StoredModel autoencoder) {
    }

    private final JdbcTemplate jdbc;

    public CheckpointRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the checkpoint once, with the claim checks of its teacher and autoencoder where the event had
     * them; false if it was already recorded.
     */
    public boolean insert(CheckpointPublished c, String state, String refusalReason) {
        return jdbc.update("""
                INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, weights_sha256, weights_size,
                                        manifest_sha256, manifest_size, state, refusal_reason,
                                        teacher_weights_sha256, teacher_weights_size, teacher_manifest_sha256, teacher_manifest_size,
                                        autoencoder_weights_sha256, autoencoder_weights_size,
                                        autoencoder_manifest_sha256, autoencoder_manifest_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkpoint_id) DO NOTHING""",
                c.getCheckpointId(), c.getRunId(), c.getStep(), c.getTeacherId(), c.getStudent().getWeights().getSha256(),
                c.getStudent().getWeights().getSizeBytes(), c.getStudent().getManifest().getSha256(),
                c.getStudent().getManifest().getSizeBytes(),
                state, refusalReason,
                c.getTeacher().hasWeights() ? c.getTeacher().getWeights().getSha256() : null,
                c.getTeacher().hasWeights() ? c.getTeacher().getWeights().getSizeBytes() : null,
                c.getTeacher().hasManifest() ? c.getTeacher().getManifest().getSha256() : null,
                c.getTeacher().hasManifest() ? c.getTeacher().getManifest().getSizeBytes() : null,
                c.getAutoencoder().hasWeights() ? c.getAutoencoder().getWeights().getSha256() : null,
                c.getAutoencoder().hasWeights() ? c.getAutoencoder().getWeights().getSizeBytes() : null,
                c.getAutoencoder().hasManifest() ? c.getAutoencoder().getManifest().getSha256() : null,
                c.getAutoencoder().hasManifest() ? c.getAutoencoder().getManifest().getSizeBytes() : null) == 1;
    }

    public Optional<CheckpointRecord> find(String checkpointId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE checkpoint_id = ?", CHECKPOINT, checkpointId).stream().findFirst();
    }

    public List<CheckpointRecord> byRun(String runId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step", CHECKPOINT, runId);
    }

    /** Checkpoints waiting for their first score, oldest first. */
    public List<CheckpointRecord> pending() {
        return jdbc.query("SELECT * FROM checkpoint WHERE state = 'pending' ORDER BY received_at, checkpoint_id", CHECKPOINT);
    }

    /** Checkpoints with a quick score still waiting for their full one, oldest first. */
    public List<CheckpointRecord> awaitingFullScore() {
        return jdbc.query("SELECT * FROM checkpoint WHERE state = 'scored' AND full_scored_at IS NULL "
                + "ORDER BY received_at, checkpoint_id", CHECKPOINT);
    }

    /** Whether any checkpoint waits for its first score. */
    public boolean anyPending() {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM checkpoint WHERE state = 'pending')",
                Boolean.class));
    }

    /** The claim checks of a checkpoint's student, teacher and autoencoder (null where the event had none). */
    public Models models(String checkpointId) {
        return jdbc.queryForObject("SELECT * FROM checkpoint WHERE checkpoint_id = ?", (rs, i) -> new Models(
                stored("student", rs, "weights_sha256", "weights_size", "manifest_sha256", "manifest_size"),
                stored("teacher", rs, "teacher_weights_sha256", "teacher_weights_size", "teacher_manifest_sha256",
                        "teacher_manifest_size"),
                stored("autoencoder", rs, "autoencoder_weights_sha256", "autoencoder_weights_size",
                        "autoencoder_manifest_sha256", "autoencoder_manifest_size")), checkpointId);
    }

    /**
     * Records that a pass was announced: pending → scored on the first one. False if the checkpoint was refused
     * meanwhile or the pass was recorded already (another worker announced it).
     */
    public boolean markScored(String checkpointId, Pass pass) {
        String column = pass == Pass.QUICK ? "quick_scored_at" : "full_scored_at";
        return jdbc.update("UPDATE checkpoint SET state = 'scored', scored_at = coalesce(scored_at, now()), " + column
                + " = now() WHERE checkpoint_id = ? AND state <> 'refused' AND " + column + " IS NULL", checkpointId) == 1;
    }

    /** → refused with the reason, unless refused or fully scored already; false then. */
    public boolean markRefused(String checkpointId, String reason) {
        return jdbc.update("UPDATE checkpoint SET state = 'refused', refusal_reason = ? WHERE checkpoint_id = ? "
                + "AND state <> 'refused' AND full_scored_at IS NULL", reason, checkpointId) == 1;
    }

    /** Counts a scoring run that failed unexpectedly; returns the failures so far. */
    public int recordFailedAttempt(String checkpointId) {
        return jdbc.queryForObject("UPDATE checkpoint SET scoring_attempts = scoring_attempts + 1 WHERE checkpoint_id = ? "
                + "RETURNING scoring_attempts", Integer.class, checkpointId);
    }

    private static StoredModel stored(String what, ResultSet rs, String weightsSha, String weightsSize, String manifestSha,
                                      String manifestSize) throws SQLException {
        if (rs.getString(weightsSha) == null || rs.getString(manifestSha) == null) {
            return null;
        }
        return new StoredModel(what, new BlobId(rs.getString(weightsSha), rs.getLong(weightsSize)),
                new BlobId(rs.getString(manifestSha), rs.getLong(manifestSize)));
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
