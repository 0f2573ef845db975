package dev.ladd.trainer.run;

import dev.ladd.ml.blob.BlobId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Published checkpoints of runs (checkpoint). */
@Repository
public class CheckpointRepository {

    /**
     * A published checkpoint: the student {weights, manifest} and the state a resumed run continues from (null for an
     * imported checkpoint, which no run resumes from).
     */
    public record Checkpoint(String runId, int step, String checkpointId, BlobId weights, BlobId manifest, BlobId state,
                             boolean isFinal, Instant createdAt) {
    }

    private static final RowMapper<Checkpoint> ROW = (rs, i) -> new Checkpoint(rs.getString("run_id"), rs.getInt("step"),
            rs.getString("checkpoint_id"), new BlobId(rs.getString("weights_sha256"), rs.getLong("weights_size")),
            new BlobId(rs.getString("manifest_sha256"), rs.getLong("manifest_size")),
            rs.getString("state_sha256") == null ? null : new BlobId(rs.getString("state_sha256"), rs.getLong("state_size")),
            rs.getBoolean("final"),
            rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;

    public CheckpointRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the checkpoint; false if the run already has one at that step. */
    public boolean insert(Checkpoint c) {
        return jdbc.update("""
                INSERT INTO checkpoint (run_id, step, checkpoint_id, weights_sha256, weights_size, manifest_sha256,
                                        manifest_size, state_sha256, state_size, final)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                c.runId(), c.step(), c.checkpointId(), c.weights().sha256(), c.weights().sizeBytes(), c.manifest().sha256(),
                c.manifest().sizeBytes(), c.state() == null ? null : c.state().sha256(),
                c.state() == null ? null : c.state().sizeBytes(), c.isFinal()) == 1;
    }

    public Optional<Checkpoint> latest(String runId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step DESC LIMIT 1", ROW, runId)
                .stream().findFirst();
    }

    public List<Checkpoint> list(String runId) {
        return jdbc.query("SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step", ROW, runId);
    }
}
