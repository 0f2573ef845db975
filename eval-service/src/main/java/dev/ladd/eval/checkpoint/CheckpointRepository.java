package dev.ladd.eval.checkpoint;

import dev.ladd.events.v1.CheckpointPublished;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The checkpoint table of the eval schema. */
@Repository
public class CheckpointRepository {

    private static final RowMapper<CheckpointRecord> CHECKPOINT = (rs, i) -> new CheckpointRecord(
            rs.getString("checkpoint_id"), rs.getString("run_id"), rs.getInt("step"), rs.getString("teacher_id"),
            rs.getString("weights_sha256"), rs.getString("state"), rs.getString("refusal_reason"),
            rs.getTimestamp("received_at").toInstant());

    private final JdbcTemplate jdbc;

    public CheckpointRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the checkpoint once; false if it was already recorded. */
    public boolean insert(CheckpointPublished c, String state, String refusalReason) {
        return jdbc.update("""
                INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, weights_sha256, weights_size,
                                        manifest_sha256, manifest_size, state, refusal_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkpoint_id) DO NOTHING""",
                c.getCheckpointId(), c.getRunId(), c.getStep(), c.getTeacherId(), c.getWeights().getSha256(),
                c.getWeights().getSizeBytes(), c.getManifest().getSha256(), c.getManifest().getSizeBytes(),
                state, refusalReason) == 1;
    }

    public Optional<CheckpointRecord> find(String checkpointId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE checkpoint_id = ?", CHECKPOINT, checkpointId).stream().findFirst();
    }

    public List<CheckpointRecord> byRun(String runId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step", CHECKPOINT, runId);
    }
}
