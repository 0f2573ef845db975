package dev.ladd.eval.scoring;

import dev.ladd.ml.eval.ModelScore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checkpoint_score table: the student's scores per pass and step count. A row is written as soon as its step
 * count is measured; a pass's rows count only once the checkpoint records the pass as announced.
 */
@Repository
public class ScoreRepository {

    static final RowMapper<ModelScore> STUDENT_SCORE = (rs, i) -> new ModelScore(ModelScore.STUDENT, rs.getInt("steps"), 0,
            rs.getDouble("fid"), rs.getDouble("precision_score"), rs.getDouble("recall_score"), rs.getDouble("adherence"),
            rs.getDouble("ms_per_image_batch1"), rs.getDouble("ms_per_image_batch64"), rs.getDouble("images_per_second"),
            rs.getInt("num_samples"));

    private final JdbcTemplate jdbc;

    public ScoreRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores (or, for a pass scored again after a crash or a changed sample count, replaces) one step count's score. */
    public void save(String checkpointId, Pass pass, ModelScore s) {
        jdbc.update("""
                INSERT INTO checkpoint_score (checkpoint_id, pass, steps, fid, precision_score, recall_score, adherence,
                                              ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (checkpoint_id, pass, steps) DO UPDATE SET fid = excluded.fid,
                    precision_score = excluded.precision_score, recall_score = excluded.recall_score,
                    adherence = excluded.adherence, ms_per_image_batch1 = excluded.ms_per_image_batch1,
                    ms_per_image_batch64 = excluded.ms_per_image_batch64,
                    images_per_second = excluded.images_per_second, num_samples = excluded.num_samples""",
                checkpointId, pass.label(), s.steps(), s.fid(), s.precision(), s.recall(), s.adherence(),
                s.msPerImageBatch1(), s.msPerImageBatch64(), s.imagesPerSecond(), s.samples());
    }

    /** The score of one step count in a pass, if it was measured over {@code samples} samples. */
    public Optional<ModelScore> find(String checkpointId, Pass pass, int steps, int samples) {
        return jdbc.query("SELECT * FROM checkpoint_score WHERE checkpoint_id = ? AND pass = ? AND steps = ? AND num_samples = ?",
                STUDENT_SCORE, checkpointId, pass.label(), steps, samples).stream().findFirst();
    }

    /** A checkpoint's scores of one pass, fewest steps first. */
    public List<ModelScore> of(String checkpointId, Pass pass) {
        return jdbc.query("SELECT * FROM checkpoint_score WHERE checkpoint_id = ? AND pass = ? ORDER BY steps", STUDENT_SCORE,
                checkpointId, pass.label());
    }

    /** The scores of every checkpoint of a run, by checkpoint id and pass. */
    public Map<String, Map<Pass, List<ModelScore>>> ofRun(String runId) {
        Map<String, Map<Pass, List<ModelScore>>> byCheckpoint = new LinkedHashMap<>();
        jdbc.query("""
                SELECT s.* FROM checkpoint_score s JOIN checkpoint c ON c.checkpoint_id = s.checkpoint_id
                WHERE c.run_id = ? ORDER BY c.step, s.steps""", rs -> {
            byCheckpoint.computeIfAbsent(rs.getString("checkpoint_id"), id -> new EnumMap<>(Pass.class))
                    .computeIfAbsent(Pass.of(rs.getString("pass")), p -> new ArrayList<>())
                    .add(STUDENT_SCORE.mapRow(rs, 0));
        }, runId);
        return byCheckpoint;
    }
}
