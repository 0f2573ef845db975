package dev.ladd.gateway.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.Score;
import dev.ladd.events.v1.ScoringPass;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The checkpoint and checkpoint_score tables of the gateway schema. */
@Repository
public class CheckpointRepository {

    private static final RowMapper<ScoreRow> SCORE = (rs, i) -> new ScoreRow(rs.getString("pass"), rs.getString("sampler"),
            rs.getInt("steps"),
            rs.getFloat("cfg_scale"), rs.getDouble("fid"), rs.getDouble("precision"), rs.getDouble("recall"),
            rs.getDouble("prompt_adherence"), rs.getDouble("ms_per_image_batch1"), rs.getDouble("ms_per_image_batch64"),
            rs.getDouble("images_per_second"), rs.getInt("num_samples"));

    private final RowMapper<CheckpointRecord> checkpoint = (rs, i) -> new CheckpointRecord(rs.getString("checkpoint_id"),
            rs.getString("run_id"), (Integer) rs.getObject("step"), rs.getString("teacher_id"),
            model(rs, "weights", "manifest"), model(rs, "autoencoder_weights", "autoencoder_manifest"),
            instant(rs, "published_at"), ScoreState.of(rs.getString("score_state")), rs.getString("score_pass"), rs.getString("refusal_reason"),
            instant(rs, "scored_at"), List.of());

    private final JdbcTemplate jdbc;

    public CheckpointRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void savePublished(CheckpointPublished p) {
        jdbc.update("""
                INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, weights, manifest, autoencoder_weights,
                                        autoencoder_manifest, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (checkpoint_id) DO UPDATE SET run_id = excluded.run_id, step = excluded.step,
                    teacher_id = excluded.teacher_id, weights = excluded.weights, manifest = excluded.manifest,
                    autoencoder_weights = excluded.autoencoder_weights,
                    autoencoder_manifest = excluded.autoencoder_manifest, published_at = excluded.published_at""",
                p.getCheckpointId(), p.getRunId(), p.getStep(), emptyToNull(p.getTeacherId()),
                p.getStudent().hasWeights() ? p.getStudent().getWeights().toByteArray() : null,
                p.getStudent().hasManifest() ? p.getStudent().getManifest().toByteArray() : null,
                p.getAutoencoder().hasWeights() ? p.getAutoencoder().getWeights().toByteArray() : null,
                p.getAutoencoder().hasManifest() ? p.getAutoencoder().getManifest().toByteArray() : null);
    }

    /**
     * Applies a CheckpointScored: a refusal marks the checkpoint refused (scores received before are kept); a
     * pass's scores replace that pass's earlier ones, and a full pass supersedes a quick one for display — a quick
     * pass arriving after the full one is stored without changing what is shown.
     */
    public void saveScored(CheckpointScored s) {
        if (s.getRefused()) {
            jdbc.update("""
                    INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, score_state, refusal_reason, scored_at)
                    VALUES (?, ?, ?, ?, 'refused', ?, now())
                    ON CONFLICT (checkpoint_id) DO UPDATE SET score_state = 'refused',
                        refusal_reason = excluded.refusal_reason, scored_at = excluded.scored_at,
                        step = coalesce(checkpoint.step, excluded.step),
                        teacher_id = coalesce(checkpoint.teacher_id, excluded.teacher_id)""",
                    s.getCheckpointId(), s.getRunId(), s.getStep(), emptyToNull(s.getTeacherId()), s.getRefusalReason());
            return;
        }
        String pass = pass(s.getPass());
        jdbc.update("""
                INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, score_state, score_pass, scored_at)
                VALUES (?, ?, ?, ?, 'scored', ?, now())
                ON CONFLICT (checkpoint_id) DO UPDATE SET score_state = 'scored', refusal_reason = NULL,
                    score_pass = CASE WHEN checkpoint.score_pass = 'full' THEN 'full' ELSE excluded.score_pass END,
                    scored_at = excluded.scored_at,
                    step = coalesce(checkpoint.step, excluded.step),
                    teacher_id = coalesce(checkpoint.teacher_id, excluded.teacher_id)""",
                s.getCheckpointId(), s.getRunId(), s.getStep(), emptyToNull(s.getTeacherId()), pass);
        jdbc.update("DELETE FROM checkpoint_score WHERE checkpoint_id = ? AND pass = ?", s.getCheckpointId(), pass);
        for (Score score : s.getScoresList()) {
            jdbc.update("""
                    INSERT INTO checkpoint_score (checkpoint_id, pass, sampler, steps, cfg_scale, fid, precision, recall,
                        prompt_adherence, ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    s.getCheckpointId(), pass, score.getSampler(), score.getSteps(), score.getCfgScale(), score.getFid(),
                    score.getPrecision(), score.getRecall(), score.getPromptAdherence(), score.getMsPerImageBatch1(),
                    score.getMsPerImageBatch64(), score.getImagesPerSecond(), score.getNumSamples());
        }
    }

    /** The pass's name; an event from an eval-service older than the passes scored in full. */
    static String pass(ScoringPass pass) {
        return switch (pass) {
            case SCORING_PASS_QUICK -> ScoreRow.QUICK;
            case SCORING_PASS_FULL, SCORING_PASS_UNSPECIFIED -> ScoreRow.FULL;
            case UNRECOGNIZED -> throw new IllegalArgumentException("CheckpointScored names a scoring pass this gateway "
                    + "does not know (a newer eval-service?)");
        };
    }

    public Optional<CheckpointRecord> find(String checkpointId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE checkpoint_id = ?", checkpoint, checkpointId).stream()
                .findFirst().map(c -> c.withScores(scores(c.checkpointId())));
    }

    public List<CheckpointRecord> list(String runId, int limit) {
        List<CheckpointRecord> rows = runId == null
                ? jdbc.query("SELECT * FROM checkpoint ORDER BY coalesce(published_at, scored_at) DESC LIMIT ?", checkpoint, limit)
                : jdbc.query("SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step DESC NULLS LAST LIMIT ?", checkpoint,
                        runId, limit);
        return rows.stream().map(c -> c.withScores(scores(c.checkpointId()))).toList();
    }

    private List<ScoreRow> scores(String checkpointId) {
        return jdbc.query("SELECT * FROM checkpoint_score WHERE checkpoint_id = ? ORDER BY pass, sampler, steps, cfg_scale",
                SCORE, checkpointId);
    }

    /** The model whose blobs the two columns hold; null unless both are set. */
    private static ModelRef model(ResultSet rs, String weights, String manifest) throws SQLException {
        BlobRef w = blob(rs, weights);
        BlobRef m = blob(rs, manifest);
        return w == null || m == null ? null : ModelRef.newBuilder().setWeights(w).setManifest(m).build();
    }

    private static BlobRef blob(ResultSet rs, String column) throws SQLException {
        byte[] bytes = rs.getBytes(column);
        try {
            return bytes == null ? null : BlobRef.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("column " + column + " does not hold a BlobRef", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
