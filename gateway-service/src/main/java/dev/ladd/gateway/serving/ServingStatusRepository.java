package dev.ladd.gateway.serving;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;

/**
 * The serving_status table of the gateway schema (one row per alias: the latest report of any replica) and
 * serving_replica_status (one row per alias and replica).
 */
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

    public void upsertReplica(String alias, String replica, String checkpointId, long revision, String status, String reason) {
        jdbc.update("""
                INSERT INTO serving_replica_status (alias, replica, checkpoint_id, revision, status, reason)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (alias, replica) DO UPDATE SET checkpoint_id = excluded.checkpoint_id,
                    revision = excluded.revision, status = excluded.status, reason = excluded.reason, updated_at = now()
                WHERE serving_replica_status.revision <= excluded.revision""",
                alias, replica, checkpointId, revision, status, reason);
    }

    /** Every replica's report, with the alias's desired revision (serving_alias: what the gateway promoted). */
    public List<ReplicaStatus> replicas() {
        return jdbc.query("""
                SELECT r.*, a.checkpoint_id AS desired_checkpoint_id, a.revision AS desired_revision
                FROM serving_replica_status r LEFT JOIN serving_alias a ON a.alias = r.alias
                ORDER BY r.alias, r.replica""", (rs, i) -> ReplicaStatus.of(rs.getString("alias"),
                rs.getString("replica"), rs.getString("checkpoint_id"), rs.getLong("revision"), rs.getString("status"),
                rs.getString("reason"), rs.getString("desired_checkpoint_id"),
                rs.getObject("desired_revision") == null ? null : rs.getLong("desired_revision"),
                rs.getTimestamp("updated_at").toInstant()));
    }

    public List<ServingStatus> list() {
        return jdbc.query("SELECT * FROM serving_status ORDER BY alias", STATUS);
    }
}
