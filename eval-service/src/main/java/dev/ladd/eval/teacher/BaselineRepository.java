package dev.ladd.eval.teacher;

import dev.ladd.ml.eval.ModelScore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;

/**
 * The baseline table: a teacher's own scores on the evaluation set, once per (teacher weights, metrics classifier,
 * evaluation-set size, steps, CFG), computed by the worker or imported from a shipped file.
 */
@Repository
public class BaselineRepository {

    /** A baseline and where it came from ("computed", or "imported from FILE"). */
    public record Baseline(ModelScore score, String source) {
    }

    private static final RowMapper<Baseline> BASELINE = (rs, i) -> new Baseline(new ModelScore(ModelScore.TEACHER,
            rs.getInt("steps"), rs.getDouble("cfg_scale"), rs.getDouble("fid"), rs.getDouble("precision_score"),
            rs.getDouble("recall_score"), rs.getDouble("adherence"), rs.getDouble("ms_per_image_batch1"),
            rs.getDouble("ms_per_image_batch64"), rs.getDouble("images_per_second"), rs.getInt("num_samples")),
            rs.getString("source"));

    public static final String COMPUTED = "computed";

    private final JdbcTemplate jdbc;

    public BaselineRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a baseline once; false if it exists (computed by another worker, before a restart, or imported). */
    public boolean insert(String teacherSha256, String classifierSha256, ModelScore s, String source) {
        return jdbc.update("""
                INSERT INTO baseline (teacher_weights_sha256, classifier_sha256, num_samples, steps, cfg_scale, fid,
                                      precision_score, recall_score, adherence, ms_per_image_batch1,
                                      ms_per_image_batch64, images_per_second, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (teacher_weights_sha256, classifier_sha256, num_samples, steps, cfg_scale) DO NOTHING""",
                teacherSha256, classifierSha256, s.samples(), s.steps(), s.cfgScale(), s.fid(), s.precision(), s.recall(),
                s.adherence(), s.msPerImageBatch1(), s.msPerImageBatch64(), s.imagesPerSecond(), source) == 1;
    }

    /** Every baseline of a teacher measured with a classifier: most steps first, then the largest set first. */
    public List<Baseline> of(String teacherSha256, String classifierSha256) {
        return jdbc.query("""
                SELECT * FROM baseline WHERE teacher_weights_sha256 = ? AND classifier_sha256 = ?
                ORDER BY steps DESC, cfg_scale, num_samples DESC""", BASELINE, teacherSha256, classifierSha256);
    }
}
