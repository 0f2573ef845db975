package dev.ladd.ml.train;

import ai.djl.ndarray.types.Shape;

/**
 * Normalized autoencoder latents with their class labels: what the teacher trains on.
 *
 * @param latents [count, C, h, w] row-major, already scaled to ≈ unit variance
 * @param labels  one class label per latent; prompts are made from them at each step
 */
public record LatentDataset(float[] latents, Shape latentShape, int[] labels) {

    public LatentDataset {
        long per = latentShape.size();
        if (latentShape.dimension() != 3 || latents.length != per * labels.length) {
            throw new IllegalArgumentException("expected " + labels.length + " latents of shape " + latentShape
                    + " (" + per * labels.length + " values), got " + latents.length + " values");
        }
    }

    public int count() {
        return labels.length;
    }

    /** The latents at the given indices, flattened: [indices.length, C, h, w]. */
    public float[] gather(int[] indices) {
        int per = Math.toIntExact(latentShape.size());
        float[] batch = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(latents, indices[i] * per, batch, i * per, per);
        }
        return batch;
    }
}
