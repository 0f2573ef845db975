package dev.ladd.teacher.registry;

import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Registered autoencoders (the autoencoder table): latent spaces a teacher can be trained in. The
 * checkpoint (safetensors weights + manifest) lives in the blob store; the row keeps its architecture and
 * metrics for listing.
 */
@Service
public class AutoencoderRegistry {

    private static final Logger log = LoggerFactory.getLogger(AutoencoderRegistry.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final RowMapper<RegisteredAutoencoder> AUTOENCODER = (rs, i) -> new RegisteredAutoencoder(
            rs.getString("autoencoder_id"), rs.getString("source"), rs.getString("weights_sha256"),
            JsonColumns.config(rs.getString("config")), JsonColumns.metrics(rs.getString("metrics")), rs.getLong("step"),
            rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;
    private final BlobStore blobs;

    public AutoencoderRegistry(JdbcTemplate jdbc, BlobStore blobs) {
        this.jdbc = jdbc;
        this.blobs = blobs;
    }

    /**
     * Stores the checkpoint and registers it under {@code autoencoderId}.
     *
     * @throws IllegalArgumentException if the id is malformed or taken
     */
    public void register(String autoencoderId, Checkpoint checkpoint, String source) {
        if (!ID.matcher(autoencoderId).matches()) {
            throw new IllegalArgumentException("autoencoder id must be 1-64 letters, digits, '.', '_' or '-', got '"
                    + autoencoderId + "'");
        }
        CheckpointManifest manifest = checkpoint.manifest();
        BlobId weights;
        BlobId manifestBlob;
        try {
            weights = blobs.put(checkpoint.weights());
            manifestBlob = blobs.put(CheckpointManifests.toJson(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the checkpoint of autoencoder " + autoencoderId, e);
        }
        int inserted = jdbc.update("""
                INSERT INTO autoencoder (autoencoder_id, weights_sha256, weights_size, manifest_sha256, manifest_size,
                                         config, metrics, step, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (autoencoder_id) DO NOTHING""",
                autoencoderId, weights.sha256(), weights.sizeBytes(), manifestBlob.sha256(), manifestBlob.sizeBytes(),
                JsonColumns.write(manifest.architecture()), JsonColumns.write(manifest.metrics()), manifest.step(), source);
        if (inserted == 0) {
            throw new IllegalArgumentException("an autoencoder with id '" + autoencoderId + "' is already registered");
        }
        log.info("autoencoder {} registered ({}, weights {}, metrics {})", autoencoderId, source, weights.sha256(),
                manifest.metrics());
    }

    public boolean isRegistered(String autoencoderId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM autoencoder WHERE autoencoder_id = ?)",
                Boolean.class, autoencoderId));
    }

    /** The blobs of a registered autoencoder: {weights, manifest}, the shape {@link TeacherRegistry#autoencoderBlobs} has. */
    public ModelRef blobs(String autoencoderId) {
        return jdbc.query("SELECT weights_sha256, weights_size, manifest_sha256, manifest_size FROM autoencoder WHERE autoencoder_id = ?",
                        (rs, i) -> new ModelRef(new BlobId(rs.getString(1), rs.getLong(2)), new BlobId(rs.getString(3), rs.getLong(4))),
                        autoencoderId).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("no autoencoder with id '" + autoencoderId + "'"));
    }

    public List<RegisteredAutoencoder> list() {
        return jdbc.query("SELECT * FROM autoencoder ORDER BY created_at", AUTOENCODER);
    }
}
