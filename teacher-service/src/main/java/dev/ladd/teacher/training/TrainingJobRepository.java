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
            rs.getString("autoencoder_id"), JobState.of(rs.getString("state")),
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

    public void state(String jobId, JobState state, String error) {
        jdbc.update("UPDATE training_job SET state = ?, error = ?, updated_at = now() WHERE job_id = ?", state.value(), error,
                jobId);
    }

    public void stopped(String jobId, long step, BlobId state) {
        jdbc.update("""
                UPDATE training_job SET state = 'stopped', step = ?, state_sha256 = ?, state_size = ?, eta_seconds = NULL,
                       updated_at = now() WHERE job_id = ?""", step, state.sha256(), state.sizeBytes(), jobId);
    }

    /** Marks a queued job (or one a dead worker left running) running; a stopping job stays stopping. */
    public void markRunning(String jobId) {
        jdbc.update("UPDATE training_job SET state = 'running', error = NULL, updated_at = now() "
                + "WHERE job_id = ? AND state IN ('queued', 'running')", jobId);
    }

    /** Asks a queued or running job to stop; false if it is in another state. */
    public boolean requestStop(String jobId) {
        return jdbc.update("UPDATE training_job SET state = 'stopping', updated_at = now() "
                + "WHERE job_id = ? AND state IN ('queued', 'running')", jobId) == 1;
    }

    /** Whether a stop was asked for the job (through any replica). */
    public boolean stopRequested(String jobId) {
        return JobState.STOPPING.value().equals(jdbc.queryForList("SELECT state FROM training_job WHERE job_id = ?", String.class, jobId)
                .stream().findFirst().orElse(null));
    }

    /** Queues a stopped job again (it goes on from its saved state); false if it is not stopped. */
    public boolean requeue(String jobId) {
        return jdbc.update("UPDATE training_job SET state = 'queued', error = NULL, updated_at = now() "
                + "WHERE job_id = ? AND state = 'stopped'", jobId) == 1;
    }

    /**
     * A running job paused by a service stop: queued again, to go on from {@code state} (stopped instead, if a stop
     * was asked for meanwhile).
     */
    public void requeued(String jobId, long step, BlobId state) {
        jdbc.update("""
                UPDATE training_job SET state = CASE WHEN state = 'stopping' THEN 'stopped' ELSE 'queued' END,
                       step = ?, state_sha256 = ?, state_size = ?, eta_seconds = NULL, updated_at = now()
                WHERE job_id = ? AND state IN ('running', 'stopping')""",
                step, state.sha256(), state.sizeBytes(), jobId);
    }

    /** Jobs a worker may take, oldest first: queued ones and those a worker left running or stopping. */
    public List<String> open() {
        return jdbc.queryForList("SELECT job_id FROM training_job WHERE state IN ('queued', 'running', 'stopping') "
                + "ORDER BY created_at", String.class);
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
