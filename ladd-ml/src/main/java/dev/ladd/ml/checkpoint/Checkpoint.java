package dev.ladd.ml.checkpoint;

import java.util.Objects;

/** A saved model: the safetensors bytes of its weights and the manifest describing them (kind, sha256, …). */
public record Checkpoint(byte[] weights, CheckpointManifest manifest) {

    public Checkpoint {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(manifest, "manifest");
    }

    /** The manifest as the JSON stored beside the weights. */
    public byte[] manifestJson() {
        return CheckpointManifests.toJson(manifest);
    }
}
