package dev.ladd.gateway.run;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The run_view table of the gateway schema. */
@Repository
public class RunViewRepository {

    private static final RowMapper<RunView> RUN = (rs, i) -> new RunView(
            rs.getString("run_id"), rs.getString("teacher_id"), rs.getString("state"), rs.getString("reason"),
            rs.getString("requested_by"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public RunViewRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A run the trainer accepted; its RunStarted may have made the row already (then the requester is filled in). */
    public void insert(String runId, String teacherId, String requestedBy) {
        jdbc.update("INSERT INTO run_view (run_id, teacher_id, state, requested_by) VALUES (?, ?, 'requested', ?) "
                + "ON CONFLICT (run_id) DO UPDATE SET requested_by = EXCLUDED.requested_by", runId, teacherId, requestedBy);
    }

    /** RunStarted: training; a run whose start through the gateway is not recorded yet gets its row now. */
    public void started(String runId, String teacherId) {
        jdbc.update("INSERT INTO run_view (run_id, teacher_id, state, requested_by) VALUES (?, ?, 'training', '') "
                + "ON CONFLICT (run_id) DO UPDATE SET state = 'training', reason = NULL, updated_at = now()", runId, teacherId);
    }

    public void updateState(String runId, String state, String reason) {
        jdbc.update("UPDATE run_view SET state = ?, reason = ?, updated_at = now() WHERE run_id = ?", state, reason, runId);
    }

    public Optional<RunView> find(String runId) {
        return jdbc.query("SELECT * FROM run_view WHERE run_id = ?", RUN, runId).stream().findFirst();
    }

    public List<RunView> list(int limit) {
        return jdbc.query("SELECT * FROM run_view ORDER BY created_at DESC LIMIT ?", RUN, limit);
    }
}
