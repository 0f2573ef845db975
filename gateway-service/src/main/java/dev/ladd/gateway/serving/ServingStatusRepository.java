package dev.ladd.gateway.serving;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;

/** The serving_status table of the gateway schema: one row per alias. */
@Repository
public class ServingStatusRepository {

    private static final RowMapper<ServingStatus> STATUS = (rs, i) -> new ServingStatus(
            rs.getString("alias"), rs.getString("checkpoint_id"), rs.getLong("revision"), rs.getString("status"),
            rs.getString("reason"), rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public ServingStatusRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void upsert(String alias, String checkpointId, long revision, String status, String reason) {
        jdbc.update("""
                INSERT INTO serving_status (alias, checkpoint_id, revision, status, reason) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (alias) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, revision = excluded.revision,
                    status = excluded.status, reason = excluded.reason, updated_at = now()
                WHERE serving_status.revision <= excluded.revision""",
                alias, checkpointId, revision, status, reason);
    }

    public List<ServingStatus> list() {
        return jdbc.query("SELECT * FROM serving_status ORDER BY alias", STATUS);
    }
}
