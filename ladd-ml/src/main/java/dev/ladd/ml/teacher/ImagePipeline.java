package dev.ladd.ml.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.DenoiserConfig;

import java.util.List;

/**
 * Prompt → image: the teacher samples normalized latents, the autoencoder's decoder turns them into
 * images in [-1, 1] (32×32 for Fashion-MNIST, the 28×28 picture padded by 2).
 */
public final class ImagePipeline {

    private final Teacher teacher;
    private final Autoencoder autoencoder;

    public ImagePipeline(Teacher teacher, Autoencoder autoencoder) {
        this.teacher = teacher;
        this.autoencoder = autoencoder;
    }

    /** Side of the square images it makes (32 for Fashion-MNIST). */
    public int imageSize() {
        return autoencoder.config().imageSize();
    }

    /** Images [prompts.size() · C · H · W] in [-1, 1]. */
    public float[] generate(List<String> prompts, List<Long> seeds, int steps, double guidanceScale, double shift) {
        DenoiserConfig d = teacher.model().config().denoiser();
        float[] latents = teacher.sample(prompts, seeds, steps, guidanceScale, shift);
        try (NDManager sub = NDManager.newBaseManager()) {
            NDArray z = sub.create(latents, new Shape(prompts.size(), d.latentChannels(), d.latentHeight(), d.latentWidth()));
            return autoencoder.decode(new ParameterStore(sub, false), autoencoder.fromLatent(z), false).toFloatArray();
        }
    }
}
