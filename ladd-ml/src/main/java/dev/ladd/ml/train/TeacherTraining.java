package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the teacher — text encoder and DiT together — with the rectified-flow objective on latents:
 * <pre>
 *   per step: a batch of latents x₀ and prompts made from their labels (dropped to "" with probability
 *   p_drop, so the model also learns the unconditional velocity CFG needs), t ~ LogitNormal(m, s),
 *   ε ~ N(0, I), x_t = (1 − t)x₀ + tε, loss = ‖v̂(x_t, t, prompt) − (ε − x₀)‖²
 * </pre>
 * Every step's randomness comes from {@code Random(seed, step)}, so a run is deterministic for a seed and
 * a resumed run ({@link TrainingState}) continues exactly as an uninterrupted one.
 */
public final class TeacherTraining {

    /**
     * @param steps          optimizer steps in all
     * @param batchSize      latents per step
     * @param learningRate   AdamW learning rate
     * @param promptDropout  probability of training a sample with the empty prompt (CFG)
     * @param tMean          logit-normal m of the training times
     * @param tStd           logit-normal s
     * @param seed           the run's seed
     */
    public record Config(long steps, int batchSize, float learningRate, float promptDropout, double tMean,
                         double tStd, long seed) {
        public Config {
            if (steps < 1 || batchSize < 1 || !(learningRate > 0) || promptDropout < 0 || promptDropout >= 1 || tStd <= 0) {
                throw new IllegalArgumentException("invalid teacher training config: " + this);
            }
        }

        /** Probability of the empty prompt in training, for classifier-free guidance. */
        public static final float DEFAULT_PROMPT_DROPOUT = 0.1f;
        /** Training times t ~ LogitNormal(0, 1), as SD3. */
        public static final double DEFAULT_T_MEAN = 0;
        public static final double DEFAULT_T_STD = 1;

        /** A run with the named defaults: {@link #DEFAULT_PROMPT_DROPOUT}, t ~ LogitNormal({@link #DEFAULT_T_MEAN}, {@link #DEFAULT_T_STD}). */
        public static Config of(long steps, int batchSize, float learningRate, long seed) {
            return new Config(steps, batchSize, learningRate, DEFAULT_PROMPT_DROPOUT, DEFAULT_T_MEAN, DEFAULT_T_STD, seed);
        }
    }

    private final FlowTransformer model;
    private final WordTokenizer tokenizer;
    private final Prompts prompts;
    private final Config config;
    private final AdamW optimizer;
    private long step;

    public TeacherTraining(FlowTransformer model, WordTokenizer tokenizer, Prompts prompts, Config config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.config = config;
        this.optimizer = new AdamW(model, config.learningRate(), 0.9f, 0.999f, 0f);
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public long step() {
        return step;
    }

    /** Continues from a state saved by {@link TrainingState#capture}. */
    public void resume(SafetensorsFile state) throws CheckpointMismatchException {
        step = TrainingState.restore(model, optimizer, state);
    }

    /**
     * Trains until {@link Config#steps()} or until the monitor asks to stop.
     *
     * @return the step reached
     */
    public long train(NDManager manager, LatentDataset data, TrainingMonitor monitor) {
        NumericalBackendCheck.requireHealthy("teacher training");
        Shape latentShape = data.latentShape();
        while (step < config.steps()) {
            Random rng = Seeds.random(config.seed(), step);
            Map<String, Double> metrics = new LinkedHashMap<>();
            try (NDManager sub = manager.newSubManager()) {
                int[] indices = new int[config.batchSize()];
                List<String> texts = new ArrayList<>(config.batchSize());
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = rng.nextInt(data.count());
                    texts.add(rng.nextFloat() < config.promptDropout()
                            ? Prompts.UNCONDITIONAL : prompts.randomPrompt(data.labels()[indices[i]], rng));
                }
                Shape batchShape = new Shape(config.batchSize()).addAll(latentShape);
                NDArray x0 = sub.create(data.gather(indices), batchShape);
                NDArray[] prompt = PromptArrays.of(sub, tokenizer, texts);
                NDArray t = RectifiedFlow.logitNormal(sub, config.batchSize(), config.tMean(), config.tStd(), rng);
                NDArray eps = RectifiedFlow.gaussian(sub, batchShape, rng);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray v = model.velocity(new ParameterStore(sub, false), RectifiedFlow.noised(x0, eps, t), t,
                            prompt[0], prompt[1], true);
                    NDArray l = RectifiedFlow.loss(v, RectifiedFlow.velocityTarget(x0, eps));
                    collector.backward(l);
                    metrics.put("loss", (double) l.getFloat());
                }
                metrics.put("grad_norm", optimizer.gradientNorm());
                NonFiniteTrainingException.requireFinite("teacher training", step + 1, metrics);
                optimizer.step();
            }
            step++;
            if (!monitor.onStep(step, config.steps(), metrics)) {
                break;
            }
        }
        return step;
    }
}
