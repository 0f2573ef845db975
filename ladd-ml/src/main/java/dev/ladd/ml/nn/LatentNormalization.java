package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import dev.ladd.ml.djl.Scalars;

/**
 * The affine map from the autoencoder's latent means to the latent space the diffusion model works in,
 * as Stable Diffusion's {@code scaling_factor} (plus a shift): {@code z = (mean − shift) · scale}, chosen so
 * that z has zero mean and unit variance over the training images.
 *
 * @param shift subtracted first (the mean of the encoder means)
 * @param scale multiplied after (1 / standard deviation of the encoder means)
 */
public record LatentNormalization(double shift, double scale) {

    /** No normalization: z = mean. */
    public static final LatentNormalization IDENTITY = new LatentNormalization(0, 1);

    public LatentNormalization {
        if (!Double.isFinite(shift) || !Double.isFinite(scale) || !(scale > 0)) {
            throw new IllegalArgumentException("latent shift must be finite and scale finite and positive, got shift "
                    + shift + ", scale " + scale);
        }
    }

    /** (mean − shift) · scale; safe under autograd. */
    public NDArray toLatent(NDArray mean) {
        return Scalars.mul(mean.sub(Scalars.scalar(mean, shift)), scale);
    }

    /** z / scale + shift, the inverse of {@link #toLatent}. */
    public NDArray fromLatent(NDArray z) {
        return Scalars.div(z, scale).add(Scalars.scalar(z, shift));
    }
}
