package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifestException;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import dev.ladd.ml.checkpoint.StateTensors;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.djl.Scalars;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.LatentNormalization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains an {@link Autoencoder} on grey-scale {@link LabeledImages} (already padded to the model's image
 * size), as Stable Diffusion's VAE without the perceptual and adversarial terms:
 * <pre>
 *   mean, logVariance = encode(x)              x in [−1, 1], [B, 1, S, S]
 *   z = mean + exp(½·logVariance)·ε            ε ~ N(0, 1)
 *   loss = mean((decode(z) − x)²) + klWeight · mean(½·(mean² + exp(logVariance) − 1 − logVariance))
 * </pre>
 * Both terms are means over elements (pixels, latent elements). The optimizer is {@link AdamW} with
 * betas ({@value #BETA1}, {@value #BETA2}) and no weight decay.
 *
 * <p>Deterministic and resumable: step k (0-based) draws its batch (uniformly, with replacement) and its
 * ε from its own {@code Random} seeded from (seed, k) ({@link #stepRandom}), so a run resumed at step k
 * from a {@link State} draws exactly what the uninterrupted run draws. A {@link State} — weights, AdamW
 * moments, step and config — is saved as one safetensors file.
 */
public final class AutoencoderTraining {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    /** Images per forward pass when encoding or measuring (no gradients). */
    public static final int EVALUATION_BATCH = 256;

    private static final String MODEL_PREFIX = "model/";
    private static final String OPTIMIZER_PREFIX = "optim/";
    private static final String STATE_FORMAT = "ladd-autoencoder-training-state/1";

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

        /** Fashion-MNIST, batch 64. */
        public static Config fashionMnist(long steps, long seed) {
            return new Config(steps, 64, 1e-3, 1e-4, seed);
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

    /** The three terms of one step's loss, each a 0-d array. */
    public record Losses(NDArray total, NDArray mse, NDArray kl) {
    }

    /**
     * Everything a run needs to continue: the model, its optimizer, the steps done and the run's config.
     * Save it with {@link #toSafetensors()}, continue from the bytes with {@link #load}.
     */
    public static final class State {

        private final Autoencoder model;
        private final AdamW optimizer;
        private final Config config;
        private long step;

        private State(Autoencoder model, AdamW optimizer, Config config, long step) {
            this.model = model;
            this.optimizer = optimizer;
            this.config = config;
            this.step = step;
        }

        /** A run from step 0 on an initialized model, with a new AdamW of the config's learning rate. */
        public static State start(Autoencoder model, Config config) {
            return new State(model, newOptimizer(model, config), config, 0);
        }

        public Autoencoder model() {
            return model;
        }

        public AdamW optimizer() {
            return optimizer;
        }

        public Config config() {
            return config;
        }

        /** Optimizer steps done. */
        public long step() {
            return step;
        }

        /** The same run continued to {@code totalSteps} in all (to train longer than first planned). */
        public State extendedTo(long totalSteps) {
            if (totalSteps < step) {
                throw new IllegalArgumentException("the run is at step " + step + ", cannot end at " + totalSteps);
            }
            return new State(model, optimizer, config.withSteps(totalSteps), step);
        }

        /**
         * One safetensors file: the weights as "model/&lt;parameter&gt;", the AdamW moments as
         * "optim/m/&lt;parameter&gt;" and "optim/v/&lt;parameter&gt;" (all F32, exact), and in the metadata the
         * step, the optimizer's step count, the run's config and the model's architecture (JSON).
         */
        public byte[] toSafetensors() {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", STATE_FORMAT);
            metadata.put("step", Long.toString(step));
            metadata.put("optimizerSteps", Long.toString(optimizer.steps()));
            metadata.put("steps", Long.toString(config.steps()));
            metadata.put("batchSize", Integer.toString(config.batchSize()));
            metadata.put("learningRate", Double.toString(config.learningRate()));
            metadata.put("klWeight", Double.toString(config.klWeight()));
            metadata.put("seed", Long.toString(config.seed()));
            metadata.put("architecture", json(CheckpointManifests.architectureOf(model.config())));
            List<SafetensorsTensor> tensors = new ArrayList<>(StateTensors.of(MODEL_PREFIX, model));
            tensors.addAll(StateTensors.of(OPTIMIZER_PREFIX, optimizer.moments()));
            return Safetensors.toBytes(SafetensorsFile.of(tensors, metadata));
        }

        /**
         * Continues a run saved by {@link #toSafetensors()}: copies the weights into {@code model} (initialized,
         * same architecture) and the moments into {@code optimizer} (new, over {@code model}, with the run's
         * learning rate — see {@link #load(byte[], Autoencoder)}). Refuses a file of another architecture or
         * whose tensors do not fit, before changing anything.
         */
        public static State load(byte[] safetensors, Autoencoder model, AdamW optimizer) throws IOException {
            SafetensorsFile file = Safetensors.read(safetensors);
            Map<String, String> metadata = file.metadata();
            if (!STATE_FORMAT.equals(metadata.get("format"))) {
                throw new CheckpointManifestException("not an autoencoder training state: format is "
                        + metadata.get("format") + ", expected " + STATE_FORMAT);
            }
            Config config;
            long step;
            long optimizerSteps;
            try {
                config = new Config(Long.parseLong(metadata.get("steps")), Integer.parseInt(metadata.get("batchSize")),
                        Double.parseDouble(metadata.get("learningRate")), Double.parseDouble(metadata.get("klWeight")),
                        Long.parseLong(metadata.get("seed")));
                step = Long.parseLong(metadata.get("step"));
                optimizerSteps = Long.parseLong(metadata.get("optimizerSteps"));
            } catch (RuntimeException e) {
                throw new CheckpointManifestException("autoencoder training state has bad metadata " + metadata, e);
            }
            String architecture = json(CheckpointManifests.architectureOf(model.config()));
            if (!architecture.equals(metadata.get("architecture"))) {
                throw new CheckpointManifestException("training state is for the autoencoder " + metadata.get("architecture")
                        + ", not " + architecture);
            }
            Map<String, SafetensorsTensor> weights = new LinkedHashMap<>();
            Map<String, float[]> moments = new LinkedHashMap<>();
            List<String> unexpected = new ArrayList<>();
            for (SafetensorsTensor tensor : file.tensors().values()) {
                String name = tensor.name();
                if (name.startsWith(MODEL_PREFIX)) {
                    String parameter = name.substring(MODEL_PREFIX.length());
                    weights.put(parameter, new SafetensorsTensor(parameter, tensor.dtype(), tensor.shape(), tensor.values()));
                } else if (name.startsWith(OPTIMIZER_PREFIX)) {
                    moments.put(name.substring(OPTIMIZER_PREFIX.length()), tensor.values());
                } else {
                    unexpected.add(name);
                }
            }
            checkMoments(model, moments, optimizerSteps, unexpected);
            BlockWeights.load(model, new SafetensorsFile(weights, Map.of()));
            optimizer.restore(moments, optimizerSteps);
            return new State(model, optimizer, config, step);
        }

        /** {@link #load(byte[], Autoencoder, AdamW)} with a new AdamW of the saved run's learning rate. */
        public static State load(byte[] safetensors, Autoencoder model) throws IOException {
            SafetensorsFile file = Safetensors.read(safetensors);
            String learningRate = file.metadata().get("learningRate");
            if (learningRate == null) {
                throw new CheckpointManifestException("not an autoencoder training state: no learningRate in the metadata");
            }
            return load(safetensors, model, new AdamW(model, Float.parseFloat(learningRate), BETA1, BETA2, 0f));
        }

        /** Every moment must belong to a parameter, with its size; after a step every parameter has both moments. */
        private static void checkMoments(Autoencoder model, Map<String, float[]> moments, long optimizerSteps,
                                         List<String> unexpected) throws IOException {
            Map<String, Long> sizes = new LinkedHashMap<>();
            model.getParameters().forEach(p -> sizes.put(p.getKey(), p.getValue().getArray().size()));
            List<String> missing = new ArrayList<>();
            List<String> mismatched = new ArrayList<>();
            moments.forEach((name, values) -> {
                String parameter = name.length() > 2 ? name.substring(2) : name;
                Long size = sizes.get(parameter);
                if (!(name.startsWith("m/") || name.startsWith("v/")) || size == null) {
                    unexpected.add(OPTIMIZER_PREFIX + name);
                } else if (size != values.length) {
                    mismatched.add(OPTIMIZER_PREFIX + name + ": " + values.length + " values, parameter has " + size);
                }
            });
            if (optimizerSteps > 0) {
                for (String parameter : sizes.keySet()) {
                    for (String moment : List.of("m/", "v/")) {
                        if (!moments.containsKey(moment + parameter)) {
                            missing.add(OPTIMIZER_PREFIX + moment + parameter);
                        }
                    }
                }
            }
            if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
                throw new CheckpointMismatchException(missing, unexpected, mismatched);
            }
        }
    }

    private static AdamW newOptimizer(Autoencoder model, Config config) {
        return new AdamW(model, (float) config.learningRate(), BETA1, BETA2, 0f);
    }

    /**
     * Runs the state's run from its step to its config's total, reporting every step to {@code monitor}
     * ("loss", "mse", "kl", "grad_norm"); stops after a step for which the monitor returns false. The state
     * advances in place. Refuses to start on a numerical backend that computes wrong gradients, and stops with a
     * {@link NonFiniteTrainingException} at a step whose loss or gradient norm is not finite.
     */
    public static Result train(State state, LabeledImages data, TrainingMonitor monitor) {
        Autoencoder model = state.model;
        Config config = state.config;
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
        NDManager manager = managerOf(model);
        Map<String, Double> metrics = Map.of();
        while (state.step < config.steps()) {
            Random rng = stepRandom(config.seed(), state.step);
            try (NDManager sub = manager.newSubManager()) {
                NDArray images = batch(sub, data, config.batchSize(), rng);
                NDArray noise = RectifiedFlow.gaussian(sub, model.latentShape(config.batchSize()), rng);
                ParameterStore ps = new ParameterStore(sub, false);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    Losses losses = losses(model, ps, images, noise, config.klWeight(), true);
                    collector.backward(losses.total());
                    metrics = new LinkedHashMap<>();
                    metrics.put("loss", (double) losses.total().getFloat());
                    metrics.put("mse", (double) losses.mse().getFloat());
                    metrics.put("kl", (double) losses.kl().getFloat());
                }
                metrics.put("grad_norm", state.optimizer.gradientNorm());
                NonFiniteTrainingException.requireFinite("autoencoder training", state.step + 1, metrics);
                state.optimizer.step();
            }
            state.step++;
            if (!monitor.onStep(state.step, config.steps(), metrics)) {
                return new Result(state.step, state.step < config.steps(), metrics);
            }
        }
        return new Result(state.step, false, metrics);
    }

    /** The loss of one batch (images [B, C, S, S], noise like the latents) with its two terms. */
    public static Losses losses(Autoencoder model, ParameterStore ps, NDArray images, NDArray noise, double klWeight,
                                boolean training) {
        NDList posterior = model.encode(ps, images, training);
        NDArray mean = posterior.get(0);
        NDArray logVariance = posterior.get(1);
        NDArray reconstruction = model.decode(ps, Autoencoder.sample(mean, logVariance, noise), training);
        NDArray diff = reconstruction.sub(images);
        NDArray mse = diff.mul(diff).mean();
        NDArray kl = klDivergence(mean, logVariance);
        return new Losses(mse.add(Scalars.mul(kl, klWeight)), mse, kl);
    }

    /** KL(N(mean, exp(logVariance)) ‖ N(0, 1)) per element, ½·(mean² + exp(logVariance) − 1 − logVariance), averaged. */
    public static NDArray klDivergence(NDArray mean, NDArray logVariance) {
        NDArray perElement = mean.mul(mean).add(logVariance.exp()).sub(1).sub(logVariance);
        return Scalars.mul(perElement.mean(), 0.5);
    }

    /** The generator of step {@code step} (0-based) of the run with {@code seed}: SplitMix64 of both, as a seed. */
    public static Random stepRandom(long seed, long step) {
        return new Random(splitMix64(splitMix64(seed) ^ step));
    }

    private static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** batchSize images drawn uniformly with replacement, [B, 1, H, W] in [−1, 1]. */
    private static NDArray batch(NDManager manager, LabeledImages data, int batchSize, Random rng) {
        int[] indices = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            indices[i] = rng.nextInt(data.count());
        }
        return images(manager, data.select(indices), 0, batchSize);
    }

    private static NDArray images(NDManager manager, LabeledImages data, int from, int to) {
        return manager.create(data.signedImages(from, to), new Shape(to - from, 1, data.height(), data.width()));
    }

    // ---------------------------------------------------------------- after training

    /**
     * The latent normalization of the model's encoder means over {@code sample} (as Stable Diffusion does,
     * one shift and one scale for all latent elements): shift = their mean, scale = 1 / their standard deviation.
     */
    public static LatentNormalization computeLatentNormalization(Autoencoder model, LabeledImages sample) {
        checkImages(model, sample);
        NDManager manager = managerOf(model);
        double sum = 0;
        double sumOfSquares = 0;
        long n = 0;
        for (int from = 0; from < sample.count(); from += EVALUATION_BATCH) {
            int to = Math.min(sample.count(), from + EVALUATION_BATCH);
            try (NDManager sub = manager.newSubManager()) {
                NDArray mean = model.encode(new ParameterStore(sub, false), images(sub, sample, from, to), false).get(0);
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

    /**
     * PSNR in dB of the deterministic reconstructions decode(mean) of {@code heldOut}, with images and
     * reconstructions mapped to [0, 1] and the reconstructions clamped there: 10·log10(1 / MSE), the MSE over
     * all pixels of the set.
     */
    public static double reconstructionPsnr(Autoencoder model, LabeledImages heldOut) {
        checkImages(model, heldOut);
        NDManager manager = managerOf(model);
        double squaredError = 0;
        long n = 0;
        for (int from = 0; from < heldOut.count(); from += EVALUATION_BATCH) {
            int to = Math.min(heldOut.count(), from + EVALUATION_BATCH);
            float[] original = heldOut.signedImages(from, to);
            float[] reconstructed;
            try (NDManager sub = manager.newSubManager()) {
                reconstructed = model.reconstruct(new ParameterStore(sub, false), images(sub, heldOut, from, to), false)
                        .toFloatArray();
            }
            for (int i = 0; i < original.length; i++) {
                double a = (original[i] + 1) / 2;
                double b = Math.min(1, Math.max(0, (reconstructed[i] + 1) / 2.0));
                squaredError += (a - b) * (a - b);
            }
            n += original.length;
        }
        return psnr(squaredError / n);
    }

    /** 10·log10(1 / mse) for images in [0, 1]; infinite for a perfect reconstruction. */
    public static double psnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    private static void checkImages(Autoencoder model, LabeledImages images) {
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

    private static NDManager managerOf(Autoencoder model) {
        for (Parameter parameter : model.getParameters().values()) {
            if (parameter.isInitialized()) {
                return parameter.getArray().getManager();
            }
        }
        throw new IllegalStateException("initialize the autoencoder first (Autoencoder.initialize(manager, seed))");
    }

    /** A flat JSON object of the architecture's numbers, in the record's component order (for the state's metadata). */
    private static String json(Map<String, Object> value) {
        StringBuilder out = new StringBuilder("{");
        value.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return out.append('}').toString();
    }
}
