package dev.ladd.inference.serving;

import dev.ladd.events.v1.ServingDesired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The serving_desired table of the inference schema: one row per alias, newest revision wins. */
@Repository
public class DesiredModelRepository {

    private static final RowMapper<DesiredModel> DESIRED = (rs, i) -> new DesiredModel(
            rs.getString("alias"), rs.getString("checkpoint_id"), rs.getLong("revision"),
            rs.getString("weights_sha256"), rs.getString("manifest_sha256"), rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public DesiredModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the desired model unless a newer revision is already stored; true if it was stored. */
    public boolean upsertIfNewer(ServingDesired d) {
        return jdbc.update("""
                INSERT INTO serving_desired (alias, checkpoint_id, revision, weights_sha256, weights_size,
                                             manifest_sha256, manifest_size)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (alias) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, revision = excluded.revision,
                    weights_sha256 = excluded.weights_sha256, weights_size = excluded.weights_size,
                    manifest_sha256 = excluded.manifest_sha256, manifest_size = excluded.manifest_size, updated_at = now()
                WHERE serving_desired.revision < excluded.revision""",
                d.getAlias(), d.getCheckpointId(), d.getRevision(), d.getWeights().getSha256(),
                d.getWeights().getSizeBytes(), d.getManifest().getSha256(), d.getManifest().getSizeBytes()) == 1;
    }

    public Optional<DesiredModel> find(String alias) {
        return jdbc.query("SELECT * FROM serving_desired WHERE alias = ?", DESIRED, alias).stream().findFirst();
    }

    public List<DesiredModel> list() {
        return jdbc.query("SELECT * FROM serving_desired ORDER BY alias", DESIRED);
    }
}
