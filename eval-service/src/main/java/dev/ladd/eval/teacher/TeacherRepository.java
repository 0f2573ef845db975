package dev.ladd.eval.teacher;

import dev.ladd.eval.scoring.StoredModel;
import dev.ladd.ml.blob.BlobId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.Optional;

/** The teacher table of the eval schema: teachers as their first verified checkpoint named them. */
@Repository
public class TeacherRepository {

    private static final RowMapper<TeacherRecord> TEACHER = (rs, i) -> new TeacherRecord(rs.getString("teacher_id"),
            new StoredModel("teacher", new BlobId(rs.getString("weights_sha256"), rs.getLong("weights_size")),
                    new BlobId(rs.getString("manifest_sha256"), rs.getLong("manifest_size"))),
            new StoredModel("autoencoder", new BlobId(rs.getString("autoencoder_weights_sha256"),
                    rs.getLong("autoencoder_weights_size")), new BlobId(rs.getString("autoencoder_manifest_sha256"),
                    rs.getLong("autoencoder_manifest_size"))),
            rs.getTimestamp("recorded_at").toInstant());

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
}
