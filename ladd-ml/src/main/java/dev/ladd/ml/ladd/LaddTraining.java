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
import dev.ladd.ml.checkpoint.StateTensors;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.djl.Scalars;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.DiscriminatorConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.AdamW;
import dev.ladd.ml.train.ExponentialMovingAverage;
import dev.ladd.ml.train.NonFiniteTrainingException;
import dev.ladd.ml.train.Seeds;

import java.util.ArrayList;
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
 *   L_G = λ_adv(iteration) · adv_G(heads(teacher_features(x̂_t̂, t̂)))  [+ λ_distill · ‖x̂₀ − x₀‖²]
 *   gradients flow through the frozen teacher into the student; only the student's optimizer steps
 * head step(s) (student not in the graph: x̂₀ is detached):
 *   real = (1 − t̂₁)x_real + t̂₁ε₁,  fake = (1 − t̂₂)x̂₀ + t̂₂ε₂   (t̂₁ = t̂₂, ε₁ = ε₂ with sharedRenoise)
 *   [wrong-prompt fake = real latents under another class's prompt]     (one teacher pass over all)
 *   L_D = adv_D(heads(real), heads(fakes))  [+ λ_R1 · R1(real features)]
 * </pre>
 * x_real is the synthetic x₀ (the paper) or, with {@link LaddConfig.DiscriminatorData#REAL}, real latents of their
 * own batch; adv is hinge or softplus, judged per image or per token ({@link LaddConfig}).
 * The teacher is frozen here and given to no optimizer; its weights never change.
 */
public final class LaddTraining {

    /** Width of the t̂ embedding the heads are conditioned on. */
    static final int HEAD_TIME_WIDTH = 64;

    private final FlowTransformer teacher;
    private final FlowTransformer student;
    private final Discriminator discriminator;
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
     * @param discriminator initialized heads for {@link #featureBlocks}
     */
    public LaddTraining(FlowTransformer teacher, FlowTransformer student, Discriminator discriminator,
                        WordTokenizer tokenizer, LaddConfig config) {
        NumericalBackendCheck.requireHealthy("LADD training");
        this.teacher = teacher;
        this.student = student;
        this.discriminator = discriminator;
        this.tokenizer = tokenizer;
        this.config = config;
        this.blocks = featureBlocks(config, teacher.config().denoiser());
        if (!java.util.Arrays.equals(blocks, discriminator.config().blocks())) {
            throw new IllegalArgumentException("the heads read blocks " + java.util.Arrays.toString(discriminator.config().blocks())
                    + " but the config asks for " + java.util.Arrays.toString(blocks));
        }
        teacher.freezeParameters(true);
        this.studentOptimizer = new AdamW(student, config.studentLearningRate(), config.beta1(), config.beta2(), 0f);
        this.headOptimizer = new AdamW(discriminator, config.headLearningRate(), config.beta1(), config.beta2(), 0f);
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

    /**
     * A run's starting point: the student as a copy of the teacher's weights and freshly initialized heads
     * (seeded from the config's seed) for the configured teacher blocks.
     */
    public static LaddTraining fromTeacher(FlowTransformer teacher, WordTokenizer tokenizer, LaddConfig config,
                                           NDManager manager) throws CheckpointMismatchException {
        FlowTransformer student = withWeights(teacher.config(), BlockWeights.snapshot(teacher, DType.F32, Map.of()), manager);
        DenoiserConfig d = teacher.config().denoiser();
        Discriminator discriminator = new Discriminator(new DiscriminatorConfig(featureBlocks(config, d), d.width(),
                d.textWidth(), HEAD_TIME_WIDTH, config.headChannels(), config.headNorm()));
        discriminator.initialize(manager, config.seed());
        return new LaddTraining(teacher, student, discriminator, tokenizer, config);
    }

    public FlowTransformer student() {
        return student;
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

    FlowTransformer teacher() {
        return teacher;
    }

    Discriminator discriminator() {
        return discriminator;
    }

    WordTokenizer tokenizer() {
        return tokenizer;
    }

    int[] blocks() {
        return blocks.clone();
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

    /** A frozen copy of the student to publish ({@link #publishedWeights()}), for sampling while the run trains on. */
    public FlowTransformer publishedStudent(NDManager manager) throws CheckpointMismatchException {
        FlowTransformer copy = withWeights(student.config(), SafetensorsFile.of(StateTensors.of("", publishedWeights()),
                Map.of()), manager);
        copy.freezeParameters(true);
        return copy;
    }

    private static FlowTransformer withWeights(FlowTransformerConfig config, SafetensorsFile weights, NDManager manager)
            throws CheckpointMismatchException {
        FlowTransformer model = new FlowTransformer(config);
        model.initialize(manager);
        BlockWeights.load(model, weights);
        return model;
    }

    /** One iteration: a student update, then {@link LaddConfig#discriminatorSteps()} head updates. */
    public LaddStepMetrics step(NDManager manager, LaddBatch batch) {
        return step(manager, batch, null);
    }

    /**
     * One iteration whose heads see {@code real} as the real class ({@link LaddConfig.DiscriminatorData#REAL}):
     * real latents, as many as the batch, with their prompts; {@code null} under the paper's synthetic data.
     */
    public LaddStepMetrics step(NDManager manager, LaddBatch batch, LaddBatch real) {
        if ((real != null) != (config.discriminatorData() == LaddConfig.DiscriminatorData.REAL)) {
            throw new IllegalArgumentException(real == null
                    ? "discriminatorData 'real' needs a batch of real latents each iteration"
                    : "a batch of real latents was given but discriminatorData is '" + config.discriminatorData().id() + "'");
        }
        long started = System.nanoTime();
        Random rng = Seeds.random(config.seed(), iteration);
        try (NDManager sub = manager.newSubManager()) {
            Inputs in = inputs(sub, batch, real);
            StudentUpdate student = studentStep(in, rng);
            HeadUpdate head = null;
            for (int k = 0; k < config.discriminatorSteps(); k++) {
                head = headStep(in, student.fake(), rng);
            }
            iteration++;
            return new LaddStepMetrics(iteration, student.loss(), head.loss(), head.dReal(), head.dFake(),
                    student.distillation(), student.gradNorm(), head.gradNorm(), (System.nanoTime() - started) / 1e6);
        }
    }

    /**
     * One iteration's tensors, in the iteration's manager: the synthetic batch (x₀, its prompt) the student
     * distills, and what the heads see as real (the same batch, or real latents) with their prompts and, for
     * wrong-prompt fakes, another class's prompt.
     */
    record Inputs(ParameterStore ps, NDArray x0, NDArray ids, NDArray mask, NDList teacherText, LaddBatch batch,
                  int rows, int cols, NDArray realX0, NDList realText, NDArray realMask, NDList wrongText,
                  NDArray wrongMask) {
        Shape shape() {
            return x0.getShape();
        }

        int size() {
            return (int) x0.getShape().get(0);
        }
    }

    record StudentUpdate(NDArray fake, double loss, double distillation, double gradNorm) {
    }

    record HeadUpdate(double loss, double dReal, double dFake, double gradNorm) {
    }

    Inputs inputs(NDManager sub, LaddBatch batch) {
        return inputs(sub, batch, null);
    }

    Inputs inputs(NDManager sub, LaddBatch batch, LaddBatch real) {
        ParameterStore ps = new ParameterStore(sub, false);
        int patch = teacher.config().denoiser().patchSize();
        NDArray x0 = sub.create(batch.latents(), new Shape(batch.count()).addAll(new Shape(batch.shape())));
        NDArray[] prompt = PromptArrays.of(sub, tokenizer, batch.prompts());
        NDList teacherText = teacher.encodeText(ps, prompt[0], prompt[1], false);
        NDArray realX0 = x0;
        NDList realText = teacherText;
        NDArray realMask = prompt[1];
        LaddBatch realBatch = batch;
        if (real != null) {
            if (real.count() != batch.count() || !java.util.Arrays.equals(real.shape(), batch.shape())) {
                throw new IllegalArgumentException("the real batch must match the synthetic one: " + real.count() + " × "
                        + java.util.Arrays.toString(real.shape()) + " vs " + batch.count() + " × " + java.util.Arrays.toString(batch.shape()));
            }
            realX0 = sub.create(real.latents(), x0.getShape());
            NDArray[] realPrompt = PromptArrays.of(sub, tokenizer, real.prompts());
            realText = teacher.encodeText(ps, realPrompt[0], realPrompt[1], false);
            realMask = realPrompt[1];
            realBatch = real;
        }
        NDList wrongText = null;
        NDArray wrongMask = null;
        if (config.wrongPromptFakes()) {
            NDArray[] wrong = PromptArrays.of(sub, tokenizer, realBatch.wrongPrompts());
            wrongText = teacher.encodeText(ps, wrong[0], wrong[1], false);
            wrongMask = wrong[1];
        }
        return new Inputs(ps, x0, prompt[0], prompt[1], teacherText, batch, (int) (batch.shape()[1] / patch),
                (int) (batch.shape()[2] / patch), realX0, realText, realMask, wrongText, wrongMask);
    }

    /** The student's update; the heads are frozen meanwhile, so they collect no gradient. Returns x̂₀ (detached). */
    StudentUpdate studentStep(Inputs in, Random rng) {
        NDManager sub = in.x0().getManager();
        ParameterStore ps = in.ps();
        int b = in.size();
        StudentInput input = studentInput(in, rng);
        NDArray t = input.t();
        NDArray xt = input.xt();
        NDArray tHat = RectifiedFlow.logitNormal(sub, b, config.renoiseMean(), config.renoiseStd(), rng);
        NDArray epsHat = RectifiedFlow.gaussian(sub, in.shape(), rng);
        discriminator.freezeParameters(true);
        try {
            NDArray fake;
            double loss;
            double distillation;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList studentText = student.encodeText(ps, in.ids(), in.mask(), true);
                fake = RectifiedFlow.cleanFromVelocity(xt, student.velocity(ps, xt, t, studentText, in.mask(), true), t);
                NDArray mse = LaddLosses.distillation(fake, in.x0());
                NDArray total = config.distillationWeight() > 0 ? Scalars.mul(mse, config.distillationWeight()) : null;
                double adversarialWeight = config.adversarialWeightAt(iteration);
                Double adaptiveLoss = null;
                if (adversarialWeight > 0 && config.adversarialWeighting() == LaddConfig.AdversarialWeighting.ADAPTIVE) {
                    AdaptiveObjective adaptive = adaptiveObjective(collector, in, fake, mse, epsHat, tHat, adversarialWeight);
                    total = adaptive.surrogate();
                    adaptiveLoss = adaptive.loss();
                } else if (adversarialWeight > 0) {
                    NDArray adversarial = adversarial(in, fake, epsHat, tHat);
                    if (adversarialWeight != 1) {
                        adversarial = Scalars.mul(adversarial, adversarialWeight);
                    }
                    total = total == null ? adversarial : adversarial.add(total);
                }
                collector.backward(total);
                loss = adaptiveLoss != null ? adaptiveLoss : total.getFloat();
                distillation = mse.getFloat();
            }
            double gradNorm = studentOptimizer.gradientNorm();
            NonFiniteTrainingException.requireFinite("LADD training", iteration + 1, Map.of("loss_student", loss,
                    "distillation_mse", distillation, "grad_norm_student", gradNorm));
            studentOptimizer.step();
            if (ema != null) {
                ema.update();
            }
            return new StudentUpdate(fake.stopGradient(), loss, distillation, gradNorm);
        } finally {
            discriminator.freezeParameters(false);
        }
    }

    /** The student's adversarial loss for x̂₀ (fake): the frozen heads on the frozen teacher's features of x̂₀ re-noised. */
    private NDArray adversarial(Inputs in, NDArray fake, NDArray epsHat, NDArray tHat) {
        List<NDArray> features = teacher.features(in.ps(), RectifiedFlow.noised(fake, epsHat, tHat), tHat,
                in.teacherText(), in.mask(), blocks, false);
        return LaddLosses.generator(config.adversarialLoss(), judged(
                discriminator.logits(in.ps(), features, in.rows(), in.cols(), tHat, in.teacherText().get(1), false)));
    }

    /** What the student's backward runs on (Σ x̂₀ · G) and the loss it stands for, λ · L_adv + w · MSE. */
    private record AdaptiveObjective(NDArray surrogate, double loss) {
    }

    /**
     * Adaptive weighting ({@link LaddConfig.AdversarialWeighting#ADAPTIVE}): the two terms' gradients with respect to
     * x̂₀, g_adv (one backward through the frozen teacher and heads, to a detached copy of x̂₀) and g_dist = w · ∇MSE,
     * combined as G = λ · g_adv + g_dist with λ = adversarialWeight · ‖g_dist‖ / ‖g_adv‖, so that the adversarial
     * term moves x̂₀ by a fixed share of what the distillation term does whatever the heads' scale. The surrogate
     * Σ x̂₀ · G has exactly J^T G as the student's gradient.
     */
    private AdaptiveObjective adaptiveObjective(GradientCollector collector, Inputs in, NDArray fake, NDArray mse, NDArray epsHat,
                                      NDArray tHat, double adversarialWeight) {
        NDArray leaf = fake.stopGradient();
        leaf.setRequiresGradient(true);
        NDArray adversarial = adversarial(in, leaf, epsHat, tHat);
        collector.backward(adversarial);
        NDArray gAdversarial = leaf.getGradient().duplicate();
        long n = fake.getShape().size();
        NDArray gDistillation = Scalars.mul(leaf.stopGradient().sub(in.x0()), 2.0 * config.distillationWeight() / n);
        double normAdversarial = gAdversarial.norm().getFloat();
        double lambda = adversarialWeight * gDistillation.norm().getFloat() / Math.max(normAdversarial, 1e-12);
        NDArray direction = Scalars.mul(gAdversarial, lambda).add(gDistillation);
        return new AdaptiveObjective(fake.mul(direction).sum(),
                lambda * adversarial.getFloat() + config.distillationWeight() * mse.getFloat());
    }

    /** The student's x̂₀ for the batch as its update computes it (same draws), without updating it or recording a graph. */
    NDArray studentSample(Inputs in, Random rng) {
        StudentInput input = studentInput(in, rng);
        NDList text = student.encodeText(in.ps(), in.ids(), in.mask(), false);
        return RectifiedFlow.cleanFromVelocity(input.xt(), student.velocity(in.ps(), input.xt(), input.t(), text,
                in.mask(), false), input.t()).stopGradient();
    }

    /** The student's noise levels t and its input x_t = (1 − t)x₀ + tε. */
    private record StudentInput(NDArray t, NDArray xt) {
    }

    /** Draws t and ε (the first draws of an iteration) and makes the student's input x_t. */
    private StudentInput studentInput(Inputs in, Random rng) {
        NDManager sub = in.x0().getManager();
        NDArray t = studentTimesteps(sub, in.size(), rng);
        NDArray eps = config.studentNoise() == LaddConfig.StudentNoise.SHARD
                ? seedNoise(sub, in.batch()) : RectifiedFlow.gaussian(sub, in.shape(), rng);
        return new StudentInput(t, RectifiedFlow.noised(in.x0(), eps, t));
    }

    /**
     * One head update: the real latents vs the student's x̂₀ (and, with wrongPromptFakes, the real latents under
     * another class's prompt), re-noised, through one teacher pass.
     */
    HeadUpdate headStep(Inputs in, NDArray fake, Random rng) {
        NDManager sub = in.x0().getManager();
        ParameterStore ps = in.ps();
        int b = in.size();
        NDList latents = new NDList(in.realX0(), fake);
        NDList embeddings = new NDList(in.realText().get(0), in.teacherText().get(0));
        NDList pooled = new NDList(in.realText().get(1), in.teacherText().get(1));
        NDList masks = new NDList(in.realMask(), in.mask());
        if (config.wrongPromptFakes()) {
            latents.add(in.realX0());
            embeddings.add(in.wrongText().get(0));
            pooled.add(in.wrongText().get(1));
            masks.add(in.wrongMask());
        }
        int groups = latents.size();
        NDList text = new NDList(NDArrays.concat(embeddings, 0), NDArrays.concat(pooled, 0));
        NDArray mask = NDArrays.concat(masks, 0);
        Shape one = in.shape().slice(1);
        NDArray levels;
        NDArray noise;
        if (config.sharedRenoise()) {   // sample i of every group at the same t̂ with the same noise
            levels = RectifiedFlow.logitNormal(sub, b, config.renoiseMean(), config.renoiseStd(), rng).tile(groups);
            noise = RectifiedFlow.gaussian(sub, new Shape(b).addAll(one), rng).tile(new long[]{groups, 1, 1, 1});
        } else {
            levels = RectifiedFlow.logitNormal(sub, groups * b, config.renoiseMean(), config.renoiseStd(), rng);
            noise = RectifiedFlow.gaussian(sub, new Shape((long) groups * b).addAll(one), rng);
        }
        NDArray all = RectifiedFlow.noised(NDArrays.concat(latents, 0), noise, levels);
        // no gradient reaches the teacher or the student: neither its weights nor these inputs require one
        List<NDArray> features = teacher.features(ps, all, levels, text, mask, blocks, false);
        double loss, dReal, dFake;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            List<NDArray> logits = judged(discriminator.logits(ps, features, in.rows(), in.cols(), levels, text.get(1), true));
            List<NDArray> real = new ArrayList<>();
            List<NDArray> fakes = new ArrayList<>();
            for (NDArray l : logits) {
                real.add(l.get("0:" + b));
                fakes.add(l.get(b + ":"));
            }
            NDArray total = LaddLosses.discriminator(config.adversarialLoss(), real, fakes);
            if (config.r1Weight() > 0) {
                total = total.add(Scalars.mul(r1(ps, features, in.rows(), in.cols(), levels, text.get(1), real, b, rng),
                        config.r1Weight()));
            }
            collector.backward(total);
            loss = total.getFloat();
            dReal = LaddLosses.meanLogit(real);
            dFake = LaddLosses.meanLogit(fakes.stream().map(f -> f.get("0:" + b)).toList());
        }
        double gradNorm = headOptimizer.gradientNorm();
        NonFiniteTrainingException.requireFinite("LADD training", iteration + 1, Map.of("loss_discriminator", loss,
                "d_real", dReal, "d_fake", dFake, "grad_norm_heads", gradNorm));
        headOptimizer.step();
        return new HeadUpdate(loss, dReal, dFake, gradNorm);
    }

    /** The heads' token logits as the loss judges them: per image (pooled) or per token. */
    private List<NDArray> judged(List<NDArray> tokenLogits) {
        return config.headLogits() == LaddConfig.HeadLogits.IMAGE ? Discriminator.pooled(tokenLogits) : tokenLogits;
    }

    /** The finite-difference R1 penalty on the real half's features. */
    private NDArray r1(ParameterStore ps, List<NDArray> features, int rows, int cols, NDArray levels, NDArray pooled,
                       List<NDArray> realLogits, int b, Random rng) {
        List<NDArray> perturbed = new ArrayList<>();
        for (NDArray f : features) {
            NDArray real = f.get("0:" + b);
            perturbed.add(real.add(Scalars.mul(RectifiedFlow.gaussian(f.getManager(), real.getShape(), rng), config.r1Sigma())));
        }
        List<NDArray> perturbedLogits = judged(discriminator.logits(ps, perturbed, rows, cols, levels.get("0:" + b),
                pooled.get("0:" + b), true));
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
        List<SafetensorsTensor> tensors = new ArrayList<>(StateTensors.of("student/", student));
        tensors.addAll(StateTensors.of("heads/", discriminator));
        tensors.addAll(StateTensors.of("student_optim/", studentOptimizer.moments()));
        tensors.addAll(StateTensors.of("head_optim/", headOptimizer.moments()));
        if (ema != null) {
            tensors.addAll(StateTensors.of("ema/", ema.weights()));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("iteration", Long.toString(iteration));
        meta.put("student_optimizer_steps", Long.toString(studentOptimizer.steps()));
        meta.put("head_optimizer_steps", Long.toString(headOptimizer.steps()));
        return SafetensorsFile.of(tensors, meta);
    }

    public void restoreState(SafetensorsFile state) throws CheckpointMismatchException {
        BlockWeights.load(student, StateTensors.section(state, "student/"));
        BlockWeights.load(discriminator, StateTensors.section(state, "heads/"));
        studentOptimizer.restore(StateTensors.values(state, "student_optim/"),
                StateTensors.number(state, "student_optimizer_steps"));
        headOptimizer.restore(StateTensors.values(state, "head_optim/"), StateTensors.number(state, "head_optimizer_steps"));
        if (ema != null) {
            ema.restore(StateTensors.values(state, "ema/"));
        }
        iteration = StateTensors.number(state, "iteration");
    }
}
