package dev.ladd.teacher.training;

import dev.ladd.ml.blob.BlobId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The training_job table of the teacher schema. */
@Repository
public class TrainingJobRepository {

    private static final RowMapper<TrainingJob> JOB = (rs, i) -> new TrainingJob(
            rs.getString("job_id"), rs.getString("kind"), rs.getString("teacher_id"), rs.getString("base_teacher"),
            rs.getString("autoencoder_id"), rs.getString("state"),
            rs.getLong("step"), rs.getLong("total_steps"), (Double) rs.getObject("loss"), (Long) rs.getObject("eta_seconds"),
            rs.getString("error"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public TrainingJobRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A queued job of {@code kind} (teacher | autoencoder); settingsJson is its request, read back on resume. */
    public void insert(String jobId, String kind, String teacherId, String baseTeacher, String autoencoderId,
                       String settingsJson, long totalSteps) {
        jdbc.update("""
                INSERT INTO training_job (job_id, kind, teacher_id, base_teacher, autoencoder_id, state, settings, total_steps)
                VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)""",
                jobId, kind, teacherId, baseTeacher, autoencoderId, settingsJson, totalSteps);
    }

    public void progress(String jobId, long step, double loss, long etaSeconds) {
        jdbc.update("UPDATE training_job SET step = ?, loss = ?, eta_seconds = ?, updated_at = now() WHERE job_id = ?",
                step, loss, etaSeconds, jobId);
    }

    public void state(String jobId, String state, String error) {
        jdbc.update("UPDATE training_job SET state = ?, error = ?, updated_at = now() WHERE job_id = ?", state, error, jobId);
    }

    public void stopped(String jobId, long step, BlobId state) {
        jdbc.update("""
                UPDATE training_job SET state = 'stopped', step = ?, state_sha256 = ?, state_size = ?, eta_seconds = NULL,
                       updated_at = now() WHERE job_id = ?""", step, state.sha256(), state.sizeBytes(), jobId);
    }

    public Optional<TrainingJob> find(String jobId) {
        return jdbc.query("SELECT * FROM training_job WHERE job_id = ?", JOB, jobId).stream().findFirst();
    }

    public Optional<String> settings(String jobId) {
        return jdbc.queryForList("SELECT settings FROM training_job WHERE job_id = ?", String.class, jobId).stream().findFirst();
    }

    public Optional<BlobId> savedState(String jobId) {
        return jdbc.query("SELECT state_sha256, state_size FROM training_job WHERE job_id = ? AND state_sha256 IS NOT NULL",
                (rs, i) -> new BlobId(rs.getString(1), rs.getLong(2)), jobId).stream().findFirst();
    }

    public List<TrainingJob> list(String kind) {
        return jdbc.query("SELECT * FROM training_job WHERE kind = ? ORDER BY created_at DESC", JOB, kind);
    }
}
