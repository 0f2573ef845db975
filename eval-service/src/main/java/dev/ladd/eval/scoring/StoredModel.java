package dev.ladd.eval.scoring;

import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;

/**
 * A model in the blob store ({@link ModelRef}: its weights and manifest, by claim check) and what it is.
 *
 * @param what what it is, as refusal reasons name it ("student", "teacher", "autoencoder")
 */
public record StoredModel(String what, ModelRef ref) {

    public StoredModel(String what, BlobId weights, BlobId manifest) {
        this(what, new ModelRef(weights, manifest));
    }

    public BlobId weights() {
        return ref.weights();
    }

    public BlobId manifest() {
        return ref.manifest();
    }
}
