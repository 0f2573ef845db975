package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.LatentNormalization;

/** The statistics of a trained autoencoder's latents that normalize them for the flow models. */
public final class LatentStatistics {

    private LatentStatistics() {
    }

    /**
     * The latent normalization of the model's encoder means over {@code sample} (as Stable Diffusion does,
     * one shift and one scale for all latent elements): shift = their mean, scale = 1 / their standard deviation.
     */
    public static LatentNormalization normalization(Autoencoder model, LabeledImages sample) {
        AutoencoderBatches.checkImages(model, sample);
        NDManager manager = AutoencoderBatches.managerOf(model);
        double sum = 0;
        double sumOfSquares = 0;
        long n = 0;
        for (int from = 0; from < sample.count(); from += AutoencoderBatches.EVALUATION_BATCH) {
            int to = Math.min(sample.count(), from + AutoencoderBatches.EVALUATION_BATCH);
            try (NDManager sub = manager.newSubManager()) {
                NDArray mean = model.encode(new ParameterStore(sub, false), AutoencoderBatches.images(sub, sample, from, to), false).get(0);
                for (float v : mean.toFloatArray()) {
                    sum += v;
                    sumOfSquares += (double) v * v;
                }
                n += mean.size();
            }
        }
        double shift = sum / n;
        double variance = Math.max(0, sumOfSquares / n - shift * shift);
        if (!(variance > 0)) {
            throw new IllegalStateException("the encoder means are constant over the sample: no scale to normalize by");
        }
        return new LatentNormalization(shift, 1 / Math.sqrt(variance));
    }
}
