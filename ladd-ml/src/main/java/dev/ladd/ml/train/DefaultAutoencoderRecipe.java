package dev.ladd.ml.train;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the platform builds and finishes an autoencoder, shared by the {@code train-default} command (ladd-tools) and
 * autoencoder jobs: the Fashion-MNIST shape (32×32×1 ↔ 4×8×8) with a chosen width, Fashion-MNIST
 * hyper-parameters except steps, batch and learning rate, and after training the latent normalization
 * and the held-out PSNR (docs/adr/006).
 */
public final class DefaultAutoencoderRecipe {

    /** Images the latent normalization is measured on (the first ones of the training set). */
    public static final int NORMALIZATION_SAMPLE = 10_000;

    private DefaultAutoencoderRecipe() {
    }

    /** A freshly initialized autoencoder; its initial weights depend only on the seed. */
    public static Autoencoder newAutoencoder(NDManager manager, int baseChannels, long seed) {
        AutoencoderConfig shape = AutoencoderConfig.fashionMnist();
        Autoencoder autoencoder = new Autoencoder(new AutoencoderConfig(shape.imageChannels(), shape.imageSize(),
                shape.latentChannels(), baseChannels, shape.downsamplings()));
        autoencoder.initialize(manager, seed);
        return autoencoder;
    }

    public static AutoencoderTraining.Config config(long steps, int batchSize, double learningRate, long seed) {
        return new AutoencoderTraining.Config(steps, batchSize, learningRate,
                AutoencoderTraining.Config.fashionMnist(steps, seed).klWeight(), seed);
    }

    /**
     * Sets the latent normalization from {@code train} and returns the checkpoint, its metrics
     * {@code psnr_db} (reconstructions of {@code heldOut}) and {@code extraMetrics}.
     */
    public static Checkpoint finish(Autoencoder autoencoder, LabeledImages train, LabeledImages heldOut,
                                                        long step, Map<String, Double> extraMetrics) {
        autoencoder.setLatentNormalization(LatentStatistics.normalization(autoencoder,
                train.subset(NORMALIZATION_SAMPLE)));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("psnr_db", ReconstructionPsnr.of(autoencoder, heldOut));
        metrics.putAll(extraMetrics);
        return AutoencoderCheckpoint.save(autoencoder, step, metrics);
    }
}
