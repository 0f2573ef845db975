package dev.ladd.ml.checkpoint;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.LatentNormalization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saving and loading an {@link Autoencoder}: F32 weights and a manifest of kind {@value #KIND} whose
 * architecture is the {@link AutoencoderConfig} and whose latent scale and shift are the model's
 * {@link LatentNormalization}. Loading verifies the weights' sha256 against the manifest.
 */
public final class AutoencoderCheckpoint {

    /** The kind of an autoencoder's checkpoint manifest. */
    public static final String KIND = "autoencoder";

    private AutoencoderCheckpoint() {
    }

    /** The model's weights (F32) and its manifest: architecture, latent normalization, step, metrics, sha256. */
    public static Checkpoint save(Autoencoder model, long step, Map<String, Double> metrics) {
        byte[] weights = BlockWeights.toSafetensors(model, DType.F32, Map.of());
        LatentNormalization latent = model.latentNormalization();
        CheckpointManifest manifest = CheckpointManifest.of(KIND, BlockWeights.sha256Hex(weights), DType.F32)
                .withArchitecture(CheckpointManifests.architectureOf(model.config()))
                .withLatent(latent.scale(), latent.shift())
                .withLineage(null, null, step)
                .withMetrics(metrics);
        return new Checkpoint(weights, manifest);
    }

    /** {@link #load(CheckpointManifest, byte[], NDManager)} of a model folder's {@code autoencoder.json} and weights. */
    public static Autoencoder load(Path folder, NDManager manager) throws IOException {
        return load(CheckpointManifests.read(folder.resolve(KIND + ".json")),
                Files.readAllBytes(folder.resolve(KIND + ".safetensors")), manager);
    }

    /** {@link #load(CheckpointManifest, byte[], NDManager)} of a checkpoint. */
    public static Autoencoder load(Checkpoint checkpoint, NDManager manager) throws IOException {
        return load(checkpoint.manifest(), checkpoint.weights(), manager);
    }

    /**
     * The autoencoder of a checkpoint, built from the manifest's architecture, initialized in {@code manager}
     * and loaded with the weights. Refuses another kind, weights whose SHA-256 is not the manifest's, and
     * (through {@link BlockWeights#load}) weights that do not fit the architecture.
     */
    public static Autoencoder load(CheckpointManifest manifest, byte[] safetensors, NDManager manager) throws IOException {
        CheckpointManifests.checkWeights(manifest, KIND, safetensors);
        AutoencoderConfig config;
        try {
            config = CheckpointManifests.architectureAs(manifest, AutoencoderConfig.class);
        } catch (RuntimeException e) {
            throw new CheckpointManifestException("checkpoint architecture " + manifest.architecture()
                    + " is not an autoencoder config: " + e.getMessage(), e);
        }
        SafetensorsFile file = Safetensors.read(safetensors);
        Autoencoder model = new Autoencoder(config);
        model.initialize(manager, 0);
        BlockWeights.load(model, file);
        if (manifest.latentScale() != null && manifest.latentShift() != null) {
            model.setLatentNormalization(new LatentNormalization(manifest.latentShift(), manifest.latentScale()));
        }
        return model;
    }
}
