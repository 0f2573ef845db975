package dev.ladd.eval.scoring;

import dev.ladd.ml.blob.BlobId;

/**
 * A model checkpoint in the blob store: its weights and its manifest, by claim check.
 *
 * @param what what it is, as refusal reasons name it ("student", "teacher", "autoencoder")
 */
public record StoredModel(String what, BlobId weights, BlobId manifest) {
}
