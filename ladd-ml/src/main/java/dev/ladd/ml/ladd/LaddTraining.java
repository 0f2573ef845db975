package dev.ladd.ml.ladd;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.djl.Scalars;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.AdamW;
import dev.ladd.ml.train.ExponentialMovingAverage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Latent Adversarial Diffusion Distillation, one iteration at a time. Per iteration, with randomness
 * from {@code Random(seed, iteration)} only (so a resumed run continues exactly):
 * <pre>
 * student step (heads frozen):
 *   t ~ studentTimesteps (discrete),  ε ~ N(0, I) (or the sample's own seed noise),  x_t = (1 − t)x₀ + tε
 *   x̂₀ = x_t − t · v_student(x_t, t, prompt)
 *   t̂ ~ LogitNormal(m, s),  x̂_t̂ = (1 − t̂)x̂₀ + t̂ε'
 *   L_G = hinge_G(heads(teacher_features(x̂_t̂, t̂)))  [+ λ_distill · ‖x̂₀ − x₀‖²]
 *   gradients flow through the frozen teacher into the student; only the student's optimizer steps
 * head step(s) (student not in the graph: x̂₀ is detached):
 *   real = (1 − t̂₁)x₀ + t̂₁ε₁,  fake = (1 − t̂₂)x̂₀ + t̂₂ε₂   (one teacher pass over both)
 *   L_D = hinge_D(heads(real), heads(fake))  [+ λ_R1 · R1(real features)]
 * </pre>
 * The teacher is frozen here and given to no optimizer; its weights never change.
 */
public final class LaddTraining {

    private final FlowTransformer teacher;
    private final FlowTransformer student;
    private final Discriminator heads;
    private final WordTokenizer tokenizer;
    private final LaddConfig config;
    private final AdamW studentOptimizer;
    private final AdamW headOptimizer;
    private final ExponentialMovingAverage ema;
    private final int[] blocks;
    private final double[] cumulativeTimestepWeights;
    private long iteration;

    /**
     * @param teacher the frozen teacher (its parameters are frozen here)
     * @param student a trainable copy of the teacher's weights
     * @param heads   initialized heads for {@link #featureBlocks}
     */
    public LaddTraining(FlowTransformer teacher, FlowTransformer student, Discriminator heads, WordTokenizer tokenizer,
                        LaddConfig config) {
        this.teacher = teacher;
        this.student = student;
        this.heads = heads;
        this.tokenizer = tokenizer;
        this.config = config;
        this.blocks = featureBlocks(config, teacher.config().denoiser());
        if (!java.util.Arrays.equals(blocks, heads.config().blocks())) {
            throw new IllegalArgumentException("the heads read blocks " + java.util.Arrays.toString(heads.config().blocks())
                    + " but the config asks for " + java.util.Arrays.toString(blocks));
        }
        teacher.freezeParameters(true);
        this.studentOptimizer = new AdamW(student, config.studentLearningRate(), config.beta1(), config.beta2(), 0f);
        this.headOptimizer = new AdamW(heads, config.headLearningRate(), config.beta1(), config.beta2(), 0f);
        this.ema = config.emaDecay() > 0 ? new ExponentialMovingAverage(student, config.emaDecay()) : null;
        double[] cumulative = new double[config.studentTimesteps().size()];
        double total = config.studentTimestepWeights().stream().mapToDouble(Double::doubleValue).sum();
        double running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += config.studentTimestepWeights().get(i) / total;
            cumulative[i] = running;
        }
        this.cumulativeTimestepWeights = cumulative;
    }

    /** The teacher blocks the heads read: the config's, or every block when it names none. */
    public static int[] featureBlocks(LaddConfig config, DenoiserConfig teacher) {
        if (config.featureBlocks().isEmpty()) {
            int[] all = new int[teacher.depth()];
            java.util.Arrays.setAll(all, i -> i);
            return all;
        }
        int[] chosen = config.featureBlocks().stream().mapToInt(Integer::intValue).toArray();
        if (chosen[chosen.length - 1] >= teacher.depth()) {
            throw new IllegalArgumentException("invalid LADD config: featureBlocks " + config.featureBlocks()
                    + " but the teacher has " + teacher.depth() + " blocks");
        }
        return chosen;
    }

    public long iteration() {
        return iteration;
    }

    public LaddConfig config() {
        return config;
    }

    /** The student to publish: the EMA of its weights when the run keeps one, else its training weights. */
    public Map<String, NDArray> publishedWeights() {
        if (ema != null) {
            return ema.weights();
        }
        Map<String, NDArray> weights = new LinkedHashMap<>();
        student.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
        return weights;
    }

    /** One iteration: a student update, then {@link LaddConfig#discriminatorSteps()} head updates. */
    public LaddStepMetrics step(NDManager manager, LaddBatch batch) {
        long started = System.nanoTime();
        Random rng = new Random(config.seed() * 1_000_003L + iteration);
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            int b = batch.count();
            Shape shape = new Shape(b).addAll(new Shape(batch.shape()));
            int rows = (int) (batch.shape()[1] / teacher.config().denoiser().patchSize());
            int cols = (int) (batch.shape()[2] / teacher.config().denoiser().patchSize());
            NDArray x0 = sub.create(batch.latents(), shape);
            NDArray[] prompt = PromptArrays.of(sub, tokenizer, batch.prompts());
            NDList teacherText = teacher.encodeText(ps, prompt[0], prompt[1], false);

            // ---- student step: the heads are frozen, the student learns to fool them
            NDArray t = studentTimesteps(sub, b, rng);
            NDArray eps = config.studentNoise().equals(LaddConfig.SHARD_NOISE)
                    ? seedNoise(sub, batch) : RectifiedFlow.gaussian(sub, shape, rng);
            NDArray xt = RectifiedFlow.noised(x0, eps, t);
            NDArray tHat = RectifiedFlow.logitNormal(sub, b, config.renoiseMean(), config.renoiseStd(), rng);
            NDArray epsHat = RectifiedFlow.gaussian(sub, shape, rng);
            heads.freezeParameters(true);
            NDArray fake;
            double studentLoss;
            double distillation;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList studentText = student.encodeText(ps, prompt[0], prompt[1], true);
                fake = RectifiedFlow.cleanFromVelocity(xt, student.velocity(ps, xt, t, studentText, prompt[1], true), t);
                List<NDArray> features = teacher.features(ps, RectifiedFlow.noised(fake, epsHat, tHat), tHat,
                        teacherText, prompt[1], blocks, false);
                NDArray loss = LaddLosses.generatorHinge(
                        heads.logits(ps, features, rows, cols, tHat, teacherText.get(1), false));
                NDArray mse = LaddLosses.distillation(fake, x0);
                if (config.distillationWeight() > 0) {
                    loss = loss.add(Scalars.mul(mse, config.distillationWeight()));
                }
                collector.backward(loss);
                studentLoss = loss.getFloat();
                distillation = mse.getFloat();
            }
            double studentGradNorm = studentOptimizer.gradientNorm();
            studentOptimizer.step();
            if (ema != null) {
                ema.update();
            }
            heads.freezeParameters(false);

            // ---- head steps: real synthetic latents vs the student's (detached) output, one teacher pass
            NDArray fakeDetached = fake.stopGradient();
            NDList doubledText = new NDList(teacherText.get(0).concat(teacherText.get(0), 0),
                    teacherText.get(1).concat(teacherText.get(1), 0));
            NDArray doubledMask = prompt[1].concat(prompt[1], 0);
            double discriminatorLoss = 0, dReal = 0, dFake = 0, headGradNorm = 0;
            for (int k = 0; k < config.discriminatorSteps(); k++) {
                NDArray levels = RectifiedFlow.logitNormal(sub, 2 * b, config.renoiseMean(), config.renoiseStd(), rng);
                NDArray noise = RectifiedFlow.gaussian(sub, new Shape(2L * b).addAll(shape.slice(1)), rng);
                NDArray both = RectifiedFlow.noised(x0.concat(fakeDetached, 0), noise, levels);
                List<NDArray> features = teacher.features(ps, both, levels, doubledText, doubledMask, blocks, false);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    List<NDArray> logits = heads.logits(ps, features, rows, cols, levels, doubledText.get(1), true);
                    List<NDArray> real = new ArrayList<>(), fakes = new ArrayList<>();
                    for (NDArray l : logits) {
                        NDList halves = l.split(new long[]{b}, 0);
                        real.add(halves.get(0));
                        fakes.add(halves.get(1));
                    }
                    NDArray loss = LaddLosses.discriminatorHinge(real, fakes);
                    if (config.r1Weight() > 0) {
                        loss = loss.add(Scalars.mul(r1(ps, features, rows, cols, levels, doubledText.get(1), real, b, rng),
                                config.r1Weight()));
                    }
                    collector.backward(loss);
                    discriminatorLoss = loss.getFloat();
                    dReal = LaddLosses.meanLogit(real);
                    dFake = LaddLosses.meanLogit(fakes);
                }
                headGradNorm = headOptimizer.gradientNorm();
                headOptimizer.step();
            }
            iteration++;
            return new LaddStepMetrics(iteration, studentLoss, discriminatorLoss, dReal, dFake, distillation,
                    studentGradNorm, headGradNorm, (System.nanoTime() - started) / 1e6);
        }
    }

    /** The finite-difference R1 penalty on the real half's features. */
    private NDArray r1(ParameterStore ps, List<NDArray> features, int rows, int cols, NDArray levels, NDArray pooled,
                       List<NDArray> realLogits, int b, Random rng) {
        List<NDArray> perturbed = new ArrayList<>();
        for (NDArray f : features) {
            NDArray real = f.get("0:" + b);
            perturbed.add(real.add(Scalars.mul(RectifiedFlow.gaussian(f.getManager(), real.getShape(), rng), config.r1Sigma())));
        }
        List<NDArray> perturbedLogits = heads.logits(ps, perturbed, rows, cols, levels.get("0:" + b),
                pooled.get("0:" + b), true);
        return LaddLosses.approximateR1(realLogits, perturbedLogits, config.r1Sigma());
    }

    /** Per sample, one of the student's noise levels, drawn with the configured probabilities. */
    private NDArray studentTimesteps(NDManager manager, int b, Random rng) {
        float[] t = new float[b];
        for (int i = 0; i < b; i++) {
            double u = rng.nextDouble();
            int k = 0;
            while (k < cumulativeTimestepWeights.length - 1 && u >= cumulativeTimestepWeights[k]) {
                k++;
            }
            t[i] = config.studentTimesteps().get(k).floatValue();
        }
        return manager.create(t);
    }

    /** The starting noise each synthetic sample was made from (the teacher draws it from {@code Random(seed)}). */
    private static NDArray seedNoise(NDManager manager, LaddBatch batch) {
        Shape one = new Shape(1).addAll(new Shape(batch.shape()));
        NDList noise = new NDList();
        for (long seed : batch.seeds()) {
            noise.add(RectifiedFlow.gaussian(manager, one, new Random(seed)));
        }
        return NDArrays.concat(noise, 0);
    }

    // ---- resume state: student, heads, both optimizers, EMA and the iteration, in one safetensors file

    public SafetensorsFile captureState(Map<String, String> metadata) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        prefixed(tensors, "student/", BlockWeights.snapshot(student, DType.F32, Map.of()));
        prefixed(tensors, "heads/", BlockWeights.snapshot(heads, DType.F32, Map.of()));
        arrays(tensors, "student_optim/", studentOptimizer.moments());
        arrays(tensors, "head_optim/", headOptimizer.moments());
        if (ema != null) {
            arrays(tensors, "ema/", ema.weights());
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("iteration", Long.toString(iteration));
        meta.put("student_optimizer_steps", Long.toString(studentOptimizer.steps()));
        meta.put("head_optimizer_steps", Long.toString(headOptimizer.steps()));
        return SafetensorsFile.of(tensors, meta);
    }

    public void restoreState(SafetensorsFile state) throws CheckpointMismatchException {
        BlockWeights.load(student, section(state, "student/"));
        BlockWeights.load(heads, section(state, "heads/"));
        studentOptimizer.restore(values(state, "student_optim/"), longMeta(state, "student_optimizer_steps"));
        headOptimizer.restore(values(state, "head_optim/"), longMeta(state, "head_optimizer_steps"));
        if (ema != null) {
            ema.restore(values(state, "ema/"));
        }
        iteration = longMeta(state, "iteration");
    }

    private static void prefixed(List<SafetensorsTensor> into, String prefix, SafetensorsFile file) {
        file.tensors().values().forEach(t -> into.add(new SafetensorsTensor(prefix + t.name(), t.dtype(), t.shape(), t.values())));
    }

    private static void arrays(List<SafetensorsTensor> into, String prefix, Map<String, NDArray> arrays) {
        arrays.forEach((name, a) -> into.add(SafetensorsTensor.f32(prefix + name, a.getShape().getShape(), a.toFloatArray())));
    }

    private static SafetensorsFile section(SafetensorsFile state, String prefix) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        state.tensors().values().stream().filter(t -> t.name().startsWith(prefix)).forEach(t ->
                tensors.add(new SafetensorsTensor(t.name().substring(prefix.length()), t.dtype(), t.shape(), t.values())));
        return SafetensorsFile.of(tensors, Map.of());
    }

    private static Map<String, float[]> values(SafetensorsFile state, String prefix) {
        Map<String, float[]> values = new HashMap<>();
        state.tensors().values().stream().filter(t -> t.name().startsWith(prefix))
                .forEach(t -> values.put(t.name().substring(prefix.length()), t.values()));
        return values;
    }

    private static long longMeta(SafetensorsFile state, String key) {
        String value = state.metadata().get(key);
        if (value == null) {
            throw new IllegalArgumentException("LADD training state has no '" + key + "' in its metadata");
        }
        return Long.parseLong(value);
    }
}
