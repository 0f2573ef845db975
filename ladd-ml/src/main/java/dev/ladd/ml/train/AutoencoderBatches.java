package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;

import java.util.Random;

/** The autoencoder's inputs: grey-scale images as arrays, random batches of them, and the checks they fit the model. */
final class AutoencoderBatches {

    /** Images per forward pass when encoding or measuring (no gradients). */
    static final int EVALUATION_BATCH = 256;

    private AutoencoderBatches() {
    }

    /** batchSize images drawn uniformly with replacement, [B, 1, H, W] in [−1, 1]. */
    static NDArray batch(NDManager manager, LabeledImages data, int batchSize, Random rng) {
        int[] indices = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            indices[i] = rng.nextInt(data.count());
        }
        return images(manager, data.select(indices), 0, batchSize);
    }

    static NDArray images(NDManager manager, LabeledImages data, int from, int to) {
        return manager.create(data.signedImages(from, to), new Shape(to - from, 1, data.height(), data.width()));
    }

    static void checkImages(Autoencoder model, LabeledImages images) {
        AutoencoderConfig config = model.config();
        if (config.imageChannels() != 1 || images.height() % (1 << config.downsamplings()) != 0
                || images.width() % (1 << config.downsamplings()) != 0) {
            throw new IllegalArgumentException("the autoencoder cannot take " + images.height() + "×" + images.width()
                    + " grey-scale images: " + config);
        }
        if (images.count() == 0) {
            throw new IllegalArgumentException("no images");
        }
    }

    static NDManager managerOf(Autoencoder model) {
        for (Parameter parameter : model.getParameters().values()) {
            if (parameter.isInitialized()) {
                return parameter.getArray().getManager();
            }
        }
        throw new IllegalStateException("initialize the autoencoder first (Autoencoder.initialize(manager, seed))");
    }
}
