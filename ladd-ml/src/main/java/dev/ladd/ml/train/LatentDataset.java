package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.Autoencoder;

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

    /** Encodes images with the autoencoder (its mean latents, normalized) and keeps their labels. */
    public static LatentDataset encode(Autoencoder autoencoder, LabeledImages images, NDManager manager) {
        int per = Math.toIntExact(autoencoder.latentShape(1).size());
        float[] all = new float[images.count() * per];
        for (int from = 0; from < images.count(); from += 500) {
            int to = Math.min(images.count(), from + 500);
            try (NDManager sub = manager.newSubManager()) {
                NDArray batch = sub.create(images.signedImages(from, to), new Shape(to - from, 1, images.height(), images.width()));
                NDArray mean = autoencoder.encode(new ParameterStore(sub, false), batch, false).get(0);
                System.arraycopy(autoencoder.toLatent(mean).toFloatArray(), 0, all, from * per, (to - from) * per);
            }
        }
        Shape one = autoencoder.latentShape(1);
        return new LatentDataset(all, new Shape(one.get(1), one.get(2), one.get(3)), images.labels());
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
