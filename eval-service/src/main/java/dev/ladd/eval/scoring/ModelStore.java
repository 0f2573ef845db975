package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.pipeline.FlowModel;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * Loads the models eval-service works with from the blob store. Every read re-hashes the blob (the store
 * refuses a mismatch) and every load checks the manifest's kind and weights hash, so a model that loads is
 * the one the event named; anything else is an {@link UnusableModelException} naming the model.
 */
@Component
public class ModelStore {

    private final BlobStore blobs;

    public ModelStore(BlobStore blobs) {
        this.blobs = blobs;
    }

    public FlowModel teacher(StoredModel model) throws UnusableModelException {
        try {
            return FlowModelCheckpoint.load(blobs.get(model.weights()), manifest(model), FlowModel.Role.TEACHER);
        } catch (IOException | RuntimeException e) {
            throw unusable(model, e);
        }
    }

    /** A student, to be sampled with the sampler its manifest names ({@link FlowModel#studentSampler}). */
    public FlowModel student(StoredModel model) throws UnusableModelException {
        try {
            return FlowModelCheckpoint.load(blobs.get(model.weights()), manifest(model), FlowModel.Role.STUDENT);
        } catch (IOException | RuntimeException e) {
            throw unusable(model, e);
        }
    }

    /** The autoencoder, frozen (inference only), in {@code manager}. */
    public Autoencoder autoencoder(StoredModel model, NDManager manager) throws UnusableModelException {
        try {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(manifest(model), blobs.get(model.weights()), manager);
            autoencoder.freezeParameters(true);
            return autoencoder;
        } catch (IOException | RuntimeException e) {
            throw unusable(model, e);
        }
    }

    /** Refuses a flow model whose latents the autoencoder cannot decode. */
    public static void checkLatentSpace(String what, FlowTransformer model, Autoencoder autoencoder)
            throws UnusableModelException {
        try {
            autoencoder.requireDecodes(what, model.config().denoiser());
        } catch (IllegalArgumentException e) {
            throw new UnusableModelException(e.getMessage());
        }
    }

    private CheckpointManifest manifest(StoredModel model) throws IOException {
        return CheckpointManifests.read(blobs.get(model.manifest()));
    }

    private static UnusableModelException unusable(StoredModel model, Exception e) {
        return new UnusableModelException(model.what() + " (weights " + model.weights().sha256() + "): " + e.getMessage(), e);
    }
}
