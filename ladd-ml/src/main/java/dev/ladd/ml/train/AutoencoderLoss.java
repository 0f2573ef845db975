package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.djl.Scalars;
import dev.ladd.ml.nn.Autoencoder;

/**
 * The autoencoder's training loss, as Stable Diffusion's VAE without the perceptual and adversarial terms:
 * <pre>
 *   loss = mean((decode(z) − x)²) + klWeight · mean(½·(mean² + exp(logVariance) − 1 − logVariance))
 * </pre>
 * Both terms are means over elements (pixels, latent elements).
 */
public final class AutoencoderLoss {

    private AutoencoderLoss() {
    }

    /** The three terms of one step's loss, each a 0-d array. */
    public record Terms(NDArray total, NDArray mse, NDArray kl) {
    }

    /** The loss of one batch (images [B, C, S, S], noise like the latents) with its two terms. */
    public static Terms of(Autoencoder model, ParameterStore ps, NDArray images, NDArray noise, double klWeight,
                                boolean training) {
        NDList posterior = model.encode(ps, images, training);
        NDArray mean = posterior.get(0);
        NDArray logVariance = posterior.get(1);
        NDArray reconstruction = model.decode(ps, Autoencoder.sample(mean, logVariance, noise), training);
        NDArray diff = reconstruction.sub(images);
        NDArray mse = diff.mul(diff).mean();
        NDArray kl = klDivergence(mean, logVariance);
        return new Terms(mse.add(Scalars.mul(kl, klWeight)), mse, kl);
    }

    /** KL(N(mean, exp(logVariance)) ‖ N(0, 1)) per element, ½·(mean² + exp(logVariance) − 1 − logVariance), averaged. */
    public static NDArray klDivergence(NDArray mean, NDArray logVariance) {
        NDArray perElement = mean.mul(mean).add(logVariance.exp()).sub(1).sub(logVariance);
        return Scalars.mul(perElement.mean(), 0.5);
    }
}
