package dev.ladd.gateway.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.Score;
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

    private static final RowMapper<ScoreRow> SCORE = (rs, i) -> new ScoreRow(rs.getString("sampler"), rs.getInt("steps"),
            rs.getFloat("cfg_scale"), rs.getDouble("fid"), rs.getDouble("precision"), rs.getDouble("recall"),
            rs.getDouble("prompt_adherence"), rs.getDouble("ms_per_image_batch1"), rs.getDouble("ms_per_image_batch64"),
            rs.getDouble("images_per_second"), rs.getInt("num_samples"));

    private final RowMapper<CheckpointRecord> checkpoint = (rs, i) -> new CheckpointRecord(rs.getString("checkpoint_id"),
            rs.getString("run_id"), (Integer) rs.getObject("step"), rs.getString("teacher_id"), blob(rs, "weights"),
            blob(rs, "manifest"), blob(rs, "autoencoder_weights"), blob(rs, "autoencoder_manifest"),
            instant(rs, "published_at"), rs.getString("score_state"), rs.getString("refusal_reason"),
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
                p.hasWeights() ? p.getWeights().toByteArray() : null, p.hasManifest() ? p.getManifest().toByteArray() : null,
                p.hasAutoencoderWeights() ? p.getAutoencoderWeights().toByteArray() : null,
                p.hasAutoencoderManifest() ? p.getAutoencoderManifest().toByteArray() : null);
    }

    public void saveScored(CheckpointScored s) {
        jdbc.update("""
                INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, score_state, refusal_reason, scored_at)
                VALUES (?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (checkpoint_id) DO UPDATE SET score_state = excluded.score_state,
                    refusal_reason = excluded.refusal_reason, scored_at = excluded.scored_at,
                    step = coalesce(checkpoint.step, excluded.step),
                    teacher_id = coalesce(checkpoint.teacher_id, excluded.teacher_id)""",
                s.getCheckpointId(), s.getRunId(), s.getStep(), emptyToNull(s.getTeacherId()),
                s.getRefused() ? "refused" : "scored", s.getRefused() ? s.getRefusalReason() : null);
        jdbc.update("DELETE FROM checkpoint_score WHERE checkpoint_id = ?", s.getCheckpointId());
        for (Score score : s.getScoresList()) {
            jdbc.update("""
                    INSERT INTO checkpoint_score (checkpoint_id, sampler, steps, cfg_scale, fid, precision, recall,
                        prompt_adherence, ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    s.getCheckpointId(), score.getSampler(), score.getSteps(), score.getCfgScale(), score.getFid(),
                    score.getPrecision(), score.getRecall(), score.getPromptAdherence(), score.getMsPerImageBatch1(),
                    score.getMsPerImageBatch64(), score.getImagesPerSecond(), score.getNumSamples());
        }
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
        return jdbc.query("SELECT * FROM checkpoint_score WHERE checkpoint_id = ? ORDER BY sampler, steps, cfg_scale",
                SCORE, checkpointId);
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
