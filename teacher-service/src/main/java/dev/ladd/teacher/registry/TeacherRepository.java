package dev.ladd.teacher.registry;

import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The teacher table of the teacher schema. */
@Repository
public class TeacherRepository {

    private static final RowMapper<RegisteredTeacher> TEACHER = (rs, i) -> new RegisteredTeacher(
            rs.getString("teacher_id"), rs.getString("description"), rs.getString("source"),
            rs.getString("weights_sha256"), rs.getString("autoencoder_weights_sha256"),
            JsonColumns.config(rs.getString("config")), JsonColumns.metrics(rs.getString("metrics")),
            (Long) rs.getObject("step"), rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;

    public TeacherRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(String teacherId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM teacher WHERE teacher_id = ?)",
                Boolean.class, teacherId));
    }

    /** Registers a teacher with its manifest's architecture, metrics and step; false if the id is taken. */
    public boolean insert(String teacherId, String description, BlobId weights, BlobId manifest, CheckpointManifest content,
                          String source) {
        return jdbc.update("""
                INSERT INTO teacher (teacher_id, description, weights_sha256, weights_size, manifest_sha256, manifest_size,
                                     config, metrics, step, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (teacher_id) DO NOTHING""",
                teacherId, description, weights.sha256(), weights.sizeBytes(), manifest.sha256(), manifest.sizeBytes(),
                JsonColumns.write(content.architecture()), JsonColumns.write(content.metrics()), content.step(), source) == 1;
    }

    public void attachAutoencoder(String teacherId, BlobId weights, BlobId manifest) {
        jdbc.update("""
                UPDATE teacher SET autoencoder_weights_sha256 = ?, autoencoder_weights_size = ?,
                                   autoencoder_manifest_sha256 = ?, autoencoder_manifest_size = ?
                WHERE teacher_id = ?""", weights.sha256(), weights.sizeBytes(), manifest.sha256(), manifest.sizeBytes(), teacherId);
    }

    /** The blobs of a teacher's autoencoder: {weights, manifest}, empty if it has none. */
    public Optional<ModelRef> autoencoder(String teacherId) {
        return jdbc.query("""
                SELECT autoencoder_weights_sha256, autoencoder_weights_size, autoencoder_manifest_sha256, autoencoder_manifest_size
                FROM teacher WHERE teacher_id = ? AND autoencoder_weights_sha256 IS NOT NULL""",
                (rs, i) -> new ModelRef(new BlobId(rs.getString(1), rs.getLong(2)), new BlobId(rs.getString(3), rs.getLong(4))),
                teacherId).stream().findFirst();
    }

    /** The blobs of a teacher's checkpoint: {weights, manifest}, empty if unknown or without a checkpoint. */
    public Optional<ModelRef> checkpoint(String teacherId) {
        return jdbc.query("""
                SELECT weights_sha256, weights_size, manifest_sha256, manifest_size FROM teacher
                WHERE teacher_id = ? AND weights_sha256 IS NOT NULL""",
                (rs, i) -> new ModelRef(new BlobId(rs.getString(1), rs.getLong(2)), new BlobId(rs.getString(3), rs.getLong(4))),
                teacherId).stream().findFirst();
    }

    public List<RegisteredTeacher> list() {
        return jdbc.query("SELECT * FROM teacher ORDER BY created_at", TEACHER);
    }
}
