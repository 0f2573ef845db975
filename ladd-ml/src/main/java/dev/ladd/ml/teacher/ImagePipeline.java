package dev.ladd.ml.teacher;

import dev.ladd.ml.nn.Autoencoder;

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
        return autoencoder.decodeLatents(teacher.sample(prompts, seeds, steps, guidanceScale, shift));
    }
}
