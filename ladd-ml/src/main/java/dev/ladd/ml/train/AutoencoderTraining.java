package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The training loop of an {@link Autoencoder} on grey-scale {@link LabeledImages} (already padded to the model's
 * image size), as Stable Diffusion's VAE without the perceptual and adversarial terms:
 * <pre>
 *   mean, logVariance = encode(x)              x in [−1, 1], [B, 1, S, S]
 *   z = mean + exp(½·logVariance)·ε            ε ~ N(0, 1)
 * </pre>
 * and the loss of {@link AutoencoderLoss}. The optimizer is {@link AdamW} with betas ({@value #BETA1},
 * {@value #BETA2}) and no weight decay. After training: {@link LatentStatistics} (the latent normalization),
 * {@link ReconstructionPsnr}; saving: {@link dev.ladd.ml.checkpoint.AutoencoderCheckpoint}.
 *
 * <p>Deterministic and resumable: step k (0-based) draws its batch (uniformly, with replacement) and its
 * ε from its own {@code Random} seeded from (seed, k) ({@link #stepRandom}), so a run resumed at step k
 * from an {@link AutoencoderTrainingState} draws exactly what the uninterrupted run draws. The state — weights,
 * AdamW moments, step and config — is saved as one safetensors file.
 */
public final class AutoencoderTraining {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;

    private AutoencoderTraining() {
    }

    /**
     * Hyper-parameters of a run.
     *
     * @param steps        optimizer steps of the whole run
     * @param batchSize    images per step
     * @param learningRate AdamW learning rate
     * @param klWeight     weight of the KL term (both terms are means over elements)
     * @param seed         seeds the batches and the reparameterization noise
     */
    public record Config(long steps, int batchSize, double learningRate, double klWeight, long seed) {
        public Config {
            if (steps < 0 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate)
                    || !(klWeight >= 0) || !Double.isFinite(klWeight)) {
                throw new IllegalArgumentException("autoencoder training needs steps >= 0, batch >= 1, a finite "
                        + "learning rate > 0 and a finite klWeight >= 0; got steps=" + steps + " batch=" + batchSize
                        + " lr=" + learningRate + " klWeight=" + klWeight);
            }
        }

        public static final int DEFAULT_BATCH_SIZE = 64;
        public static final double DEFAULT_LEARNING_RATE = 1e-3;
        public static final double DEFAULT_KL_WEIGHT = 1e-4;

        /** Fashion-MNIST with the named defaults: batch 64, learning rate 10⁻³, KL weight 10⁻⁴. */
        public static Config fashionMnist(long steps, long seed) {
            return new Config(steps, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_KL_WEIGHT, seed);
        }

        public Config withSteps(long total) {
            return new Config(total, batchSize, learningRate, klWeight, seed);
        }
    }

    /** How a call of {@link #train} ended: the step reached, whether the monitor stopped it, the last step's metrics. */
    public record Result(long step, boolean stoppedEarly, Map<String, Double> lastMetrics) {
        public Result {
            lastMetrics = Map.copyOf(lastMetrics);
        }
    }

    static AdamW newOptimizer(Autoencoder model, Config config) {
        return new AdamW(model, (float) config.learningRate(), BETA1, BETA2, 0f);
    }

    /**
     * Runs the state's run from its step to its config's total, reporting every step to {@code monitor}
     * ("loss", "mse", "kl", "grad_norm"); stops after a step for which the monitor returns false. The state
     * advances in place. Refuses to start on a numerical backend that computes wrong gradients, and stops with a
     * {@link NonFiniteTrainingException} at a step whose loss or gradient norm is not finite.
     */
    public static Result train(AutoencoderTrainingState state, LabeledImages data, TrainingMonitor monitor) {
        Autoencoder model = state.model();
        Config config = state.config();
        AutoencoderConfig architecture = model.config();
        if (architecture.imageChannels() != 1 || data.height() != architecture.imageSize()
                || data.width() != architecture.imageSize()) {
            throw new IllegalArgumentException("the autoencoder takes " + architecture.imageChannels() + "×"
                    + architecture.imageSize() + "×" + architecture.imageSize() + " images, the data are 1×"
                    + data.height() + "×" + data.width() + " (pad them first, e.g. paddedTo32())");
        }
        if (data.count() == 0) {
            throw new IllegalArgumentException("no images to train on");
        }
        NumericalBackendCheck.requireHealthy("autoencoder training");
        NDManager manager = AutoencoderBatches.managerOf(model);
        Map<String, Double> metrics = Map.of();
        while (state.step() < config.steps()) {
            Random rng = stepRandom(config.seed(), state.step());
            try (NDManager sub = manager.newSubManager()) {
                NDArray images = AutoencoderBatches.batch(sub, data, config.batchSize(), rng);
                NDArray noise = RectifiedFlow.gaussian(sub, model.latentShape(config.batchSize()), rng);
                ParameterStore ps = new ParameterStore(sub, false);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    AutoencoderLoss.Terms losses = AutoencoderLoss.of(model, ps, images, noise, config.klWeight(), true);
                    collector.backward(losses.total());
                    metrics = new LinkedHashMap<>();
                    metrics.put("loss", (double) losses.total().getFloat());
                    metrics.put("mse", (double) losses.mse().getFloat());
                    metrics.put("kl", (double) losses.kl().getFloat());
                }
                metrics.put("grad_norm", state.optimizer().gradientNorm());
                NonFiniteTrainingException.requireFinite("autoencoder training", state.step() + 1, metrics);
                state.optimizer().step();
            }
            state.advance();
            if (!monitor.onStep(state.step(), config.steps(), metrics)) {
                return new Result(state.step(), state.step() < config.steps(), metrics);
            }
        }
        return new Result(state.step(), false, metrics);
    }

    /** The generator of step {@code step} (0-based) of the run with {@code seed}: {@link Seeds#stepRandom}. */
    public static Random stepRandom(long seed, long step) {
        return Seeds.stepRandom(seed, step);
    }
}
