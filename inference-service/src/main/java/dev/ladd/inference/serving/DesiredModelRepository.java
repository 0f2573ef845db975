package dev.ladd.inference.serving;

import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The serving_desired table of the inference schema: one row per alias, newest revision wins. */
@Repository
public class DesiredModelRepository {

    private static final RowMapper<DesiredModel> DESIRED = (rs, i) -> new DesiredModel(
            rs.getString("alias"), rs.getString("checkpoint_id"), rs.getLong("revision"),
            model(blob(rs, "weights_sha256", "weights_size"), blob(rs, "manifest_sha256", "manifest_size")),
            model(blob(rs, "autoencoder_weights_sha256", "autoencoder_weights_size"),
                    blob(rs, "autoencoder_manifest_sha256", "autoencoder_manifest_size")),
            rs.getTimestamp("updated_at").toInstant());

    private final JdbcTemplate jdbc;

    public DesiredModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the desired model unless a newer revision is already stored; true if it was stored. */
    public boolean upsertIfNewer(ServingDesired d) {
        return jdbc.update("""
                INSERT INTO serving_desired (alias, checkpoint_id, revision, weights_sha256, weights_size,
                                             manifest_sha256, manifest_size,
                                             autoencoder_weights_sha256, autoencoder_weights_size,
                                             autoencoder_manifest_sha256, autoencoder_manifest_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (alias) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, revision = excluded.revision,
                    weights_sha256 = excluded.weights_sha256, weights_size = excluded.weights_size,
                    manifest_sha256 = excluded.manifest_sha256, manifest_size = excluded.manifest_size,
                    autoencoder_weights_sha256 = excluded.autoencoder_weights_sha256,
                    autoencoder_weights_size = excluded.autoencoder_weights_size,
                    autoencoder_manifest_sha256 = excluded.autoencoder_manifest_sha256,
                    autoencoder_manifest_size = excluded.autoencoder_manifest_size, updated_at = now()
                WHERE serving_desired.revision < excluded.revision""",
                d.getAlias(), d.getCheckpointId(), d.getRevision(), d.getStudent().getWeights().getSha256(),
                d.getStudent().getWeights().getSizeBytes(), d.getStudent().getManifest().getSha256(),
                d.getStudent().getManifest().getSizeBytes(),
                sha(d.getAutoencoder().hasWeights(), d.getAutoencoder().getWeights()), size(d.getAutoencoder().hasWeights(), d.getAutoencoder().getWeights()),
                sha(d.getAutoencoder().hasManifest(), d.getAutoencoder().getManifest()), size(d.getAutoencoder().hasManifest(), d.getAutoencoder().getManifest())) == 1;
    }

    public Optional<DesiredModel> find(String alias) {
        return jdbc.query("SELECT * FROM serving_desired WHERE alias = ?", DESIRED, alias).stream().findFirst();
    }

    public List<DesiredModel> list() {
        return jdbc.query("SELECT * FROM serving_desired ORDER BY alias", DESIRED);
    }

    private static String sha(boolean present, BlobRef ref) {
        return present && !ref.getSha256().isEmpty() ? ref.getSha256() : null;
    }

    private static Long size(boolean present, BlobRef ref) {
        return present && !ref.getSha256().isEmpty() ? ref.getSizeBytes() : null;
    }

    /** The claim check of two columns; null when absent; null too for a value that is no sha256 (checked on intake). */
    private static BlobId blob(ResultSet rs, String shaColumn, String sizeColumn) throws SQLException {
        String sha = rs.getString(shaColumn);
        if (sha == null) {
            return null;
        }
        return new BlobId(sha, rs.getLong(sizeColumn));
    }

    /** Both halves stored, or null (rows from before the autoencoder travelled with the event have none). */
    private static ModelRef model(BlobId weights, BlobId manifest) {
        return weights == null || manifest == null ? null : new ModelRef(weights, manifest);
    }
}
