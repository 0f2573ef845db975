package dev.ladd.ml.blob;

/**
 * One model in the blob store: its weights (safetensors) and its manifest (JSON), the Java side of the events'
 * {@code ModelRef} message (docs/adr/020). Either may be null only where a caller says so.
 */
public record ModelRef(BlobId weights, BlobId manifest) {
}
