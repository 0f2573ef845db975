package dev.ladd.eval.teacher;

import dev.ladd.eval.scoring.ModelScore;
import dev.ladd.eval.scoring.StoredModel;
import dev.ladd.ml.blob.BlobId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The teacher and teacher_baseline tables of the eval schema. */
@Repository
public class TeacherRepository {

    private static final RowMapper<TeacherRecord> TEACHER = (rs, i) -> new TeacherRecord(rs.getString("teacher_id"),
            new StoredModel("teacher", new BlobId(rs.getString("weights_sha256"), rs.getLong("weights_size")),
                    new BlobId(rs.getString("manifest_sha256"), rs.getLong("manifest_size"))),
            new StoredModel("autoencoder", new BlobId(rs.getString("autoencoder_weights_sha256"),
                    rs.getLong("autoencoder_weights_size")), new BlobId(rs.getString("autoencoder_manifest_sha256"),
                    rs.getLong("autoencoder_manifest_size"))),
            rs.getTimestamp("recorded_at").toInstant());

    private static final RowMapper<ModelScore> BASELINE = (rs, i) -> new ModelScore(ModelScore.TEACHER, rs.getInt("steps"),
            rs.getDouble("cfg_scale"), rs.getDouble("fid"), rs.getDouble("precision_score"), rs.getDouble("recall_score"),
            rs.getDouble("adherence"), rs.getDouble("ms_per_image_batch1"), rs.getDouble("ms_per_image_batch64"),
            rs.getDouble("images_per_second"), rs.getInt("num_samples"));

    private final JdbcTemplate jdbc;

    public TeacherRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the teacher with its first verified checkpoint's claim checks; false if it is known already. */
    public boolean recordIfUnknown(String teacherId, StoredModel teacher, StoredModel autoencoder) {
        return jdbc.update("""
                INSERT INTO teacher (teacher_id, weights_sha256, weights_size, manifest_sha256, manifest_size,
                                     autoencoder_weights_sha256, autoencoder_weights_size,
                                     autoencoder_manifest_sha256, autoencoder_manifest_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (teacher_id) DO NOTHING""",
                teacherId, teacher.weights().sha256(), teacher.weights().sizeBytes(), teacher.manifest().sha256(),
                teacher.manifest().sizeBytes(), autoencoder.weights().sha256(), autoencoder.weights().sizeBytes(),
                autoencoder.manifest().sha256(), autoencoder.manifest().sizeBytes()) == 1;
    }

    public Optional<TeacherRecord> find(String teacherId) {
        return jdbc.query("SELECT * FROM teacher WHERE teacher_id = ?", TEACHER, teacherId).stream().findFirst();
    }

    /** Stores a baseline once; false if it exists (computed by another worker, or before a restart). */
    public boolean insertBaseline(String teacherId, ModelScore s) {
        return jdbc.update("""
                INSERT INTO teacher_baseline (teacher_id, steps, cfg_scale, fid, precision_score, recall_score, adherence,
                                              ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (teacher_id, num_samples, steps, cfg_scale) DO NOTHING""",
                teacherId, s.steps(), s.cfgScale(), s.fid(), s.precision(), s.recall(), s.adherence(), s.msPerImageBatch1(),
                s.msPerImageBatch64(), s.imagesPerSecond(), s.samples()) == 1;
    }

    /** A teacher's baselines, most steps first (and, for the same steps, the largest evaluation set first). */
    public List<ModelScore> baselines(String teacherId) {
        return jdbc.query("SELECT * FROM teacher_baseline WHERE teacher_id = ? ORDER BY steps DESC, cfg_scale, num_samples DESC",
                BASELINE, teacherId);
    }
}
