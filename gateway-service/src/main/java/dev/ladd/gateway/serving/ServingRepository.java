package dev.ladd.gateway.serving;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** serving_alias (what each alias should serve), serving_stack (what it served before) and serving_audit. */
@Repository
public class ServingRepository {

    private static final RowMapper<ServingChange> CHANGE = (rs, i) -> new ServingChange(rs.getLong("id"),
            rs.getString("alias"), rs.getLong("revision"), rs.getString("action"), rs.getString("from_checkpoint_id"),
            rs.getString("to_checkpoint_id"), rs.getString("actor"), rs.getString("reason"),
            rs.getTimestamp("at").toInstant());

    /** What an alias should serve now. */
    public record Desired(String alias, String checkpointId, long revision) {
    }

    private final JdbcTemplate jdbc;

    public ServingRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises changes of one alias across requests and gateway replicas (until the transaction ends). */
    public void lock(String alias) {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, ("ladd-gateway:alias:" + alias).hashCode());
    }

    public Optional<Desired> desired(String alias) {
        return jdbc.query("SELECT * FROM serving_alias WHERE alias = ?",
                (rs, i) -> new Desired(rs.getString("alias"), rs.getString("checkpoint_id"), rs.getLong("revision")),
                alias).stream().findFirst();
    }

    public void setDesired(String alias, String checkpointId, long revision) {
        jdbc.update("""
                INSERT INTO serving_alias (alias, checkpoint_id, revision) VALUES (?, ?, ?)
                ON CONFLICT (alias) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, revision = excluded.revision,
                    updated_at = now()""", alias, checkpointId, revision);
    }

    public void push(String alias, String checkpointId) {
        jdbc.update("""
                INSERT INTO serving_stack (alias, depth, checkpoint_id)
                SELECT ?, coalesce(max(depth), 0) + 1, ? FROM serving_stack WHERE alias = ?""", alias, checkpointId, alias);
    }

    /** The stack of an alias, top (what it serves) first. */
    public List<String> stack(String alias) {
        return jdbc.queryForList("SELECT checkpoint_id FROM serving_stack WHERE alias = ? ORDER BY depth DESC",
                String.class, alias);
    }

    public void popTop(String alias) {
        jdbc.update("DELETE FROM serving_stack WHERE alias = ? AND depth = (SELECT max(depth) FROM serving_stack WHERE alias = ?)",
                alias, alias);
    }

    public ServingChange audit(String alias, long revision, String action, String from, String to, String actor,
                               String reason) {
        return jdbc.queryForObject("""
                INSERT INTO serving_audit (alias, revision, action, from_checkpoint_id, to_checkpoint_id, actor, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *""", CHANGE, alias, revision, action, from, to, actor, reason);
    }

    public List<ServingChange> history(String alias, int limit) {
        return jdbc.query("SELECT * FROM serving_audit WHERE alias = ? ORDER BY id DESC LIMIT ?", CHANGE, alias, limit);
    }
}
