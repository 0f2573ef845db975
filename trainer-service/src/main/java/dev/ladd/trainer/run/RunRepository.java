package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.SyntheticShardProduced;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The run and synthetic_shard tables of the trainer schema. */
@Repository
public class RunRepository {

    private static final String SELECT_RUN = """
            SELECT r.run_id, r.teacher_id, r.state, r.requested_by, r.failure_reason, r.created_at, r.updated_at,
                   (SELECT count(*) FROM synthetic_shard s WHERE s.run_id = r.run_id) AS shards
            FROM run r""";

    private static final RowMapper<Run> RUN = (rs, i) -> new Run(
            rs.getString("run_id"), rs.getString("teacher_id"), RunState.fromLabel(rs.getString("state")),
            rs.getString("requested_by"), rs.getString("failure_reason"), rs.getInt("shards"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public RunRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a new run; false if a run with that id already exists. */
    public boolean insert(String runId, String teacherId, DistillationConfig config, String requestedBy) {
        return jdbc.update("""
                INSERT INTO run (run_id, teacher_id, state, config, requested_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_id) DO NOTHING""",
                runId, teacherId, RunState.REQUESTED.label(), config.toByteArray(), requestedBy) == 1;
    }

    public void updateState(String runId, RunState state, String failureReason) {
        jdbc.update("UPDATE run SET state = ?, failure_reason = ?, updated_at = now() WHERE run_id = ?",
                state.label(), failureReason, runId);
    }

    public Optional<Run> find(String runId) {
        return jdbc.query(SELECT_RUN + " WHERE r.run_id = ?", RUN, runId).stream().findFirst();
    }

    public List<Run> list(int limit) {
        return jdbc.query(SELECT_RUN + " ORDER BY r.created_at DESC LIMIT ?", RUN, limit);
    }

    /** Records a shard the teacher produced; false if it was already recorded. */
    public boolean insertShard(SyntheticShardProduced shard) {
        return jdbc.update("""
                INSERT INTO synthetic_shard (run_id, request_id, shard_index, shard_count, sha256, size_bytes, sample_count)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                shard.getRunId(), shard.getRequestId(), shard.getShardIndex(), shard.getShardCount(),
                shard.getShard().getSha256(), shard.getShard().getSizeBytes(), shard.getCount()) == 1;
    }
}
