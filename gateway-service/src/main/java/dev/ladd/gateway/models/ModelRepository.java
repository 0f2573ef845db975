package dev.ladd.gateway.models;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/**
 * The serving aliases, read from the tables every gateway replica shares: {@code serving_alias} (promoted here),
 * {@code serving_status} (reported by inference-service), {@code checkpoint} (the run and step of what is served)
 * and {@code serving_audit} (when the alias was first promoted).
 */
@Repository
class ModelRepository {

    private static final String SELECT = """
            SELECT coalesce(a.alias, s.alias) AS alias,
                   coalesce(a.checkpoint_id, s.checkpoint_id) AS checkpoint_id,
                   coalesce(a.revision, s.revision) AS revision,
                   c.run_id, c.step,
                   s.checkpoint_id AS served_checkpoint_id, s.revision AS served_revision, s.status, s.reason,
                   coalesce((SELECT min(u.at) FROM serving_audit u WHERE u.alias = coalesce(a.alias, s.alias)),
                            a.updated_at, s.updated_at) AS created
            FROM serving_alias a
            FULL JOIN serving_status s ON s.alias = a.alias
            LEFT JOIN checkpoint c ON c.checkpoint_id = coalesce(a.checkpoint_id, s.checkpoint_id)
            """;

    private static final RowMapper<ServedModel> MODEL = (rs, i) -> new ServedModel(rs.getString("alias"),
            rs.getString("checkpoint_id"), rs.getLong("revision"), rs.getString("run_id"),
            (Integer) rs.getObject("step"), rs.getString("served_checkpoint_id"),
            rs.getObject("served_revision") == null ? null : rs.getLong("served_revision"), rs.getString("status"),
            rs.getString("reason"), rs.getTimestamp("created").toInstant());

    private final JdbcTemplate jdbc;

    ModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<ServedModel> list() {
        return jdbc.query(SELECT + "ORDER BY 1", MODEL);
    }

    Optional<ServedModel> find(String alias) {
        return jdbc.query(SELECT + "WHERE coalesce(a.alias, s.alias) = ?", MODEL, alias).stream().findFirst();
    }
}
