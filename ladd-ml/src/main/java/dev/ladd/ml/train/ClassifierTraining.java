package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifestException;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.metrics.ClassifierOutputs;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Trains a {@link FashionClassifier} on labelled images (already padded to its image size) by
 * cross-entropy, with {@link AdamW} and a cosine learning-rate decay over the T steps of the run:
 * <pre>
 *   loss = −(1/B)·Σ_b log softmax(logits(x_b))[y_b]          x_b in [−1, 1], [B, 1, S, S]
 *   lr_t = lr · ½·(1 + cos(π·t / T))                         t = 0 … T−1
 * </pre>
 * Deterministic for a seed: step k (0-based) draws its batch uniformly with replacement from its own
 * {@link Seeds#stepRandom(long, long) Random(seed, k)}, and the weights start from
 * {@link FashionClassifier#initialize(NDManager, long)} with the same seed. Checkpoints are the weights
 * (safetensors, F32) and a manifest of kind {@value #CHECKPOINT_KIND} whose metrics hold
 * {@value #TEST_ACCURACY}.
 */
public final class ClassifierTraining {

    public static final String CHECKPOINT_KIND = "classifier";
    /** The manifest metric: the share of the test set classified correctly. */
    public static final String TEST_ACCURACY = "test_accuracy";
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final int DEFAULT_BATCH = 128;

    private ClassifierTraining() {
    }

    /**
     * Hyper-parameters of a run.
     *
     * @param steps        optimizer steps
     * @param batchSize    images per step
     * @param learningRate AdamW learning rate at the first step (it decays to 0 along a cosine)
     * @param weightDecay  AdamW decoupled weight decay λ
     * @param seed         seeds the initialization and the batches
     */
    public record Config(long steps, int batchSize, double learningRate, double weightDecay, long seed) {
        public Config {
            if (steps < 0 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate)
                    || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("classifier training needs steps >= 0, batch >= 1, a finite learning "
                        + "rate > 0 and a finite weight decay >= 0; got steps=" + steps + " batch=" + batchSize
                        + " lr=" + learningRate + " decay=" + weightDecay);
            }
        }

        /**
         * Fashion-MNIST: peak learning rate 2·10⁻³, weight decay 10⁻⁴ (batch {@value ClassifierTraining#DEFAULT_BATCH}
         * by default; 3,500 steps of 128 reach 91 % test accuracy, models/classifier/README.md).
         */
        public static Config fashionMnist(long steps, int batchSize, long seed) {
            return new Config(steps, batchSize, DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY, seed);
        }

        /** Peak learning rate on Fashion-MNIST. */
        public static final double DEFAULT_LEARNING_RATE = 2e-3;
        public static final double DEFAULT_WEIGHT_DECAY = 1e-4;
    }

    /** How a run ended: the steps done, whether the monitor stopped it, the last step's "loss" and "accuracy". */
    public record Result(long steps, boolean stoppedEarly, Map<String, Double> lastMetrics) {
        public Result {
            lastMetrics = Map.copyOf(lastMetrics);
        }
    }

    /** A checkpoint: the safetensors bytes of the weights and the manifest describing them. */
    public record Checkpoint(byte[] safetensors, CheckpointManifest manifest) {
        public Checkpoint {
            Objects.requireNonNull(safetensors, "safetensors");
            Objects.requireNonNull(manifest, "manifest");
        }
    }

    /** A new classifier of {@code architecture} in {@code manager}, initialized from the config's seed. */
    public static FashionClassifier newClassifier(FashionClassifierConfig architecture, Config config, NDManager manager) {
        FashionClassifier model = new FashionClassifier(architecture);
        model.initialize(manager, config.seed());
        return model;
    }

    /**
     * Trains {@code model} (initialized) for the config's steps on {@code data}, reporting every step's batch
     * "loss" and "accuracy" to {@code monitor}; stops after a step for which the monitor returns false.
     */
    public static Result train(FashionClassifier model, Config config, LabeledImages data, TrainingMonitor monitor) {
        model.checkImageSize(1, data.height(), data.width());
        if (data.count() == 0) {
            throw new IllegalArgumentException("no images to train on");
        }
        NumericalBackendCheck.requireHealthy("classifier training");
        AdamW optimizer = new AdamW(model, (float) config.learningRate(), BETA1, BETA2, (float) config.weightDecay());
        int classes = model.config().numClasses();
        Map<String, Double> metrics = Map.of();
        for (long step = 0; step < config.steps(); step++) {
            Random rng = Seeds.stepRandom(config.seed(), step);
            int[] indices = new int[config.batchSize()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = rng.nextInt(data.count());
            }
            LabeledImages batch = data.select(indices);
            optimizer.setLearningRate((float) (config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / config.steps()))));
            try (NDManager sub = model.manager().newSubManager()) {
                NDArray images = sub.create(batch.signedImages(0, batch.count()), model.imageShape(batch.count()));
                NDArray targets = sub.create(oneHot(batch.labels(), classes), new Shape(batch.count(), classes));
                ParameterStore ps = new ParameterStore(sub, false);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.logits(ps, images, true);
                    NDArray loss = crossEntropy(logits, targets);
                    collector.backward(loss);
                    metrics = new LinkedHashMap<>();
                    metrics.put("loss", (double) loss.getFloat());
                    metrics.put("accuracy", (double) logits.argMax(1).eq(targets.argMax(1)).sum().getLong() / batch.count());
                }
                metrics.put("grad_norm", optimizer.gradientNorm());
                NonFiniteTrainingException.requireFinite("classifier training", step + 1, metrics);
                optimizer.step();
            }
            if (!monitor.onStep(step + 1, config.steps(), metrics)) {
                return new Result(step + 1, step + 1 < config.steps(), metrics);
            }
        }
        return new Result(config.steps(), false, metrics);
    }

    /** −(1/B)·Σ_b Σ_k y_bk · log softmax(logits_b)_k for logits and one-hot targets [B, K]; a 0-d array. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(targets).sum(new int[]{1}).neg().mean();
    }

    /** The share of {@code images} (labelled, of the classifier's size) that the classifier gets right. */
    public static double accuracy(FashionClassifier model, LabeledImages images) {
        return ClassifierOutputs.of(model, images).accuracy(images.labels());
    }

    /**
     * The weights (F32) and a manifest of kind {@value #CHECKPOINT_KIND}: architecture = the
     * {@link FashionClassifierConfig}, vocabulary = the class names in label order, the step, the metrics
     * (e.g. {@value #TEST_ACCURACY}) and the weights' SHA-256.
     */
    public static Checkpoint saveCheckpoint(FashionClassifier model, List<String> classNames, long step,
                                            Map<String, Double> metrics) {
        if (classNames.size() != model.config().numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + model.config().numClasses() + " classes");
        }
        byte[] weights = BlockWeights.toSafetensors(model, DType.F32, Map.of());
        CheckpointManifest manifest = CheckpointManifest.of(CHECKPOINT_KIND, BlockWeights.sha256Hex(weights), DType.F32)
                .withArchitecture(CheckpointManifests.architectureOf(model.config()))
                .withVocabulary(classNames)
                .withLineage(null, null, step)
                .withMetrics(metrics);
        return new Checkpoint(weights, manifest);
    }

    /**
     * The classifier of a checkpoint, built from the manifest's architecture in {@code manager}, loaded with the
     * weights and frozen (for evaluation). Refuses another kind, weights whose SHA-256 is not the manifest's,
     * and (through {@link BlockWeights#load}) weights that do not fit the architecture.
     */
    public static FashionClassifier load(CheckpointManifest manifest, byte[] safetensors, NDManager manager) throws IOException {
        CheckpointManifests.checkWeights(manifest, CHECKPOINT_KIND, safetensors);
        FashionClassifierConfig config;
        try {
            config = CheckpointManifests.architectureAs(manifest, FashionClassifierConfig.class);
        } catch (RuntimeException e) {
            throw new CheckpointManifestException("checkpoint architecture " + manifest.architecture()
                    + " is not a classifier config: " + e.getMessage(), e);
        }
        FashionClassifier model = new FashionClassifier(config);
        model.initialize(manager, 0);
        BlockWeights.load(model, Safetensors.read(safetensors));
        model.freezeParameters(true);
        return model;
    }

    private static float[] oneHot(int[] labels, int classes) {
        float[] targets = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            targets[i * classes + labels[i]] = 1;
        }
        return targets;
    }
}
