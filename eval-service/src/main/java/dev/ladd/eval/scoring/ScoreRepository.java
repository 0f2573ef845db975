package dev.ladd.eval.scoring;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checkpoint_score table: the student's scores per step count of every scored checkpoint. */
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

    /** Stores (or, for a checkpoint scored again after a crash, replaces) the scores of a checkpoint. */
    public void save(String checkpointId, List<ModelScore> scores) {
        for (ModelScore s : scores) {
            jdbc.update("""
                    INSERT INTO checkpoint_score (checkpoint_id, steps, fid, precision_score, recall_score, adherence,
                                                  ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (checkpoint_id, steps) DO UPDATE SET fid = excluded.fid,
                        precision_score = excluded.precision_score, recall_score = excluded.recall_score,
                        adherence = excluded.adherence, ms_per_image_batch1 = excluded.ms_per_image_batch1,
                        ms_per_image_batch64 = excluded.ms_per_image_batch64,
                        images_per_second = excluded.images_per_second, num_samples = excluded.num_samples""",
                    checkpointId, s.steps(), s.fid(), s.precision(), s.recall(), s.adherence(), s.msPerImageBatch1(),
                    s.msPerImageBatch64(), s.imagesPerSecond(), s.samples());
        }
    }

    /** A checkpoint's scores, fewest steps first. */
    public List<ModelScore> of(String checkpointId) {
        return jdbc.query("SELECT * FROM checkpoint_score WHERE checkpoint_id = ? ORDER BY steps", STUDENT_SCORE, checkpointId);
    }

    /** The scores of every checkpoint of a run, by checkpoint id. */
    public Map<String, List<ModelScore>> ofRun(String runId) {
        Map<String, List<ModelScore>> byCheckpoint = new LinkedHashMap<>();
        jdbc.query("""
                SELECT s.* FROM checkpoint_score s JOIN checkpoint c ON c.checkpoint_id = s.checkpoint_id
                WHERE c.run_id = ? ORDER BY c.step, s.steps""", rs -> {
            byCheckpoint.computeIfAbsent(rs.getString("checkpoint_id"), id -> new java.util.ArrayList<>())
                    .add(STUDENT_SCORE.mapRow(rs, 0));
        }, runId);
        return byCheckpoint;
    }
}
