package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.djl.KernelSettings;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.train.NonFiniteTrainingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@Tag("conv-training")
class LaddTrainingTest {

    @BeforeAll
    static void backendComputesRight() {
        KernelSettings.skipTrainingWhereTheDefaultKernelsAreBroken();
    }

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void aNonFiniteLossStopsTheIterationBeforeAnyWeightChangesNamingTheTerms() throws Exception {
        LaddConfig config = TinyLadd.config();
        FlowTransformer teacher = TinyLadd.model(manager);
        FlowTransformer student = TinyLadd.copyOf(teacher, manager);
        Discriminator heads = TinyLadd.heads(teacher, config, manager);
        LaddTraining training = new LaddTraining(teacher, student, heads, TinyLadd.TOKENIZER, config);
        training.step(manager, TinyLadd.batch(6, 0));
        float[] studentBefore = TinyLadd.weights(student);
        float[] headsBefore = TinyLadd.weights(heads);
        LaddBatch good = TinyLadd.batch(6, 1);
        float[] latents = good.latents().clone();
        latents[5] = Float.NaN;
        LaddBatch poisoned = new LaddBatch(latents, good.shape(), good.prompts(), good.seeds());

        assertThatThrownBy(() -> training.step(manager, poisoned))
                .isInstanceOf(NonFiniteTrainingException.class)
                .hasMessageContaining("LADD training stopped at step 2: ")
                .hasMessageContaining("distillation_mse is NaN");
        assertThat(training.iteration()).isEqualTo(1);
        assertThat(TinyLadd.weights(student)).isEqualTo(studentBefore);
        assertThat(TinyLadd.weights(heads)).isEqualTo(headsBefore);
    }

    @Test
    void studentStepsChangeTheStudentAndLeaveTheFrozenTeacherBitIdentical() throws Exception {
        LaddConfig config = TinyLadd.config();
        FlowTransformer teacher = TinyLadd.model(manager);
        FlowTransformer student = TinyLadd.copyOf(teacher, manager);
        LaddTraining training = new LaddTraining(teacher, student, TinyLadd.heads(teacher, config, manager),
                TinyLadd.TOKENIZER, config);
        float[] teacherBefore = TinyLadd.weights(teacher);
        float[] studentBefore = TinyLadd.weights(student);
        for (int i = 0; i < 3; i++) {
            LaddStepMetrics metrics = training.step(manager, TinyLadd.batch(6, i));
            assertThat(metrics.studentGradNorm()).isPositive();
            assertThat(metrics.headGradNorm()).isPositive();
            assertThat(metrics.iteration()).isEqualTo(i + 1);
        }
        assertThat(TinyLadd.weights(teacher)).isEqualTo(teacherBefore);
        assertThat(TinyLadd.weights(student)).isNotEqualTo(studentBefore);
    }

    @Test
    void theHeadsReceiveGradientsOnlyInTheirOwnStepAndTheStudentOnlyInItsOwn() throws Exception {
        LaddConfig config = TinyLadd.config();
        FlowTransformer teacher = TinyLadd.model(manager);
        FlowTransformer student = TinyLadd.copyOf(teacher, manager);
        Discriminator heads = TinyLadd.heads(teacher, config, manager);
        LaddTraining training = new LaddTraining(teacher, student, heads, TinyLadd.TOKENIZER, config);
        try (NDManager sub = manager.newSubManager()) {
            LaddTraining.Inputs in = training.inputs(sub, TinyLadd.batch(6, 1));
            float[] headsBefore = TinyLadd.weights(heads);
            float[] studentBefore = TinyLadd.weights(student);

            LaddTraining.StudentUpdate update = training.studentStep(in, new Random(1));
            assertThat(TinyLadd.weights(heads)).isEqualTo(headsBefore);
            assertThat(gradientNorm(heads)).isZero();
            assertThat(TinyLadd.weights(student)).isNotEqualTo(studentBefore);
            assertThat(update.fake().hasGradient()).isFalse();

            float[] studentAfter = TinyLadd.weights(student);
            training.headStep(in, update.fake(), new Random(2));
            assertThat(TinyLadd.weights(student)).isEqualTo(studentAfter);
            assertThat(gradientNorm(student)).isZero();
            assertThat(TinyLadd.weights(heads)).isNotEqualTo(headsBefore);
        }
    }

    @Test
    void withoutTheAdversarialTermTheStudentsUpdateDoesNotDependOnTheHeads() throws Exception {
        LaddConfig ablation = TinyLadd.config().toBuilder().adversarialWeight(0).distillationWeight(1).build();
        FlowTransformer teacher = TinyLadd.model(manager);
        float[][] students = new float[2][];
        for (int seed = 0; seed < 2; seed++) {
            FlowTransformer student = TinyLadd.copyOf(teacher, manager);
            var d = teacher.config().denoiser();
            Discriminator heads = new Discriminator(new dev.ladd.ml.nn.DiscriminatorConfig(
                    LaddTraining.featureBlocks(ablation, d), d.width(), d.textWidth(), 16, 8));
            heads.initialize(manager, 100 + seed);
            LaddTraining training = new LaddTraining(teacher, student, heads, TinyLadd.TOKENIZER, ablation);
            LaddStepMetrics m = training.step(manager, TinyLadd.batch(6, 3));
            assertThat(m.studentLoss()).isEqualTo(m.distillation());
            assertThat(m.headGradNorm()).isPositive();
            students[seed] = TinyLadd.weights(student);
        }
        assertThat(students[1]).isEqualTo(students[0]);

        // with the adversarial term the heads steer the student: other heads, another student
        LaddConfig full = ablation.toBuilder().adversarialWeight(1).build();
        LaddTraining a = new LaddTraining(teacher, TinyLadd.copyOf(teacher, manager),
                TinyLadd.heads(teacher, full, manager), TinyLadd.TOKENIZER, full);
        a.step(manager, TinyLadd.batch(6, 3));
        assertThat(TinyLadd.weights(a.student())).isNotEqualTo(students[0]);
    }

    @Test
    void adaptiveWeightingAddsTheAdversarialGradientAtTheConfiguredShareOfTheDistillationGradient() throws Exception {
        LaddConfig distillationOnly = TinyLadd.config().toBuilder().adversarialWeight(0).distillationWeight(1).build();
        LaddConfig adaptive = distillationOnly.toBuilder().adversarialWeighting(LaddConfig.AdversarialWeighting.ADAPTIVE)
                .adversarialWeight(1e-9).build();
        LaddConfig adaptiveHalf = adaptive.toBuilder().adversarialWeight(0.5).build();

        LaddStepMetrics plain = TinyLadd.training(manager, distillationOnly).step(manager, TinyLadd.batch(6, 3));
        LaddStepMetrics tiny = TinyLadd.training(manager, adaptive).step(manager, TinyLadd.batch(6, 3));
        LaddStepMetrics half = TinyLadd.training(manager, adaptiveHalf).step(manager, TinyLadd.batch(6, 3));

        // Σ x̂₀ · G backpropagates exactly the distillation gradient when the adversarial share vanishes
        assertThat(tiny.studentGradNorm()).isCloseTo(plain.studentGradNorm(), within(plain.studentGradNorm() * 1e-4));
        assertThat(tiny.studentLoss()).isCloseTo(plain.studentLoss(), within(1e-6));
        // at half the distillation gradient's size on x̂₀ the adversarial term changes the step
        assertThat(half.studentGradNorm()).isNotCloseTo(plain.studentGradNorm(), within(plain.studentGradNorm() * 1e-3));
        assertThat(half.studentGradNorm()).isFinite();
    }

    @Test
    void realLatentsAreTheHeadsRealClassWhenTheConfigSaysSoAndOnlyThen() throws Exception {
        LaddConfig real = TinyLadd.config().toBuilder().discriminatorData(LaddConfig.DiscriminatorData.REAL)
                .wrongPromptFakes(true).build();
        LaddTraining training = TinyLadd.training(manager, real);

        LaddStepMetrics m = training.step(manager, TinyLadd.batch(6, 1), TinyLadd.batch(6, 9));
        assertThat(m.headGradNorm()).isPositive();
        assertThatThrownBy(() -> training.step(manager, TinyLadd.batch(6, 2)))
                .hasMessageContaining("discriminatorData 'real' needs a batch of real latents");
        assertThatThrownBy(() -> training.step(manager, TinyLadd.batch(6, 2), TinyLadd.batch(4, 9)))
                .hasMessageContaining("the real batch must match the synthetic one");
        LaddTraining synthetic = TinyLadd.training(manager, TinyLadd.config());
        assertThatThrownBy(() -> synthetic.step(manager, TinyLadd.batch(6, 2), TinyLadd.batch(6, 9)))
                .hasMessageContaining("but discriminatorData is 'synthetic'");
    }

    static java.util.stream.Stream<LaddConfig> resumableConfigs() {
        return java.util.stream.Stream.of(
                // every switch on, so that the EMA and both optimizers' states are part of what must survive
                LaddConfig.builder().studentTimesteps(List.of(1.0, 0.5)).studentTimestepWeights(List.of(0.5, 0.5))
                        .renoiseMean(0.0).featureBlocks(List.of(1)).headChannels(8)
                        .studentLearningRate(1e-3f).headLearningRate(1e-3f).beta1(0.5f).beta2(0.99f)
                        .batchSize(6).discriminatorSteps(2).r1Weight(0.1).r1Sigma(0.05).emaDecay(0.9)
                        .distillationWeight(0.5).studentNoise(LaddConfig.StudentNoise.SHARD).samplerEta(0).seed(4).build(),
                // the paper's timesteps and fresh noise, heads on every block
                LaddConfig.builder().headChannels(8).studentLearningRate(1e-3f).headLearningRate(1e-3f)
                        .batchSize(6).r1Weight(0.1).emaDecay(0.9).distillationWeight(0.5).seed(5).build(),
                // every discriminator switch of docs/adr/022 on (real data needs its own batch: tested apart)
                LaddConfig.builder().headChannels(8).studentLearningRate(1e-3f).headLearningRate(1e-3f)
                        .batchSize(6).r1Weight(0.1).emaDecay(0.9).distillationWeight(0.5).seed(6).sharedRenoise(true)
                        .adversarialLoss(LaddConfig.AdversarialLoss.SOFTPLUS).headLogits(LaddConfig.HeadLogits.TOKEN)
                        .headNorm(dev.ladd.ml.nn.HeadNorm.GROUP).wrongPromptFakes(true).adversarialWeight(0.5)
                        .adversarialWeighting(LaddConfig.AdversarialWeighting.ADAPTIVE)
                        .adversarialRampIterations(3).discriminatorSteps(2).build());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("resumableConfigs")
    void aRunResumedFromItsStateContinuesExactlyAsAnUninterruptedOne(LaddConfig config) throws Exception {
        LaddTraining uninterrupted = TinyLadd.training(manager, config);
        for (int i = 0; i < 4; i++) {
            uninterrupted.step(manager, TinyLadd.batch(6, i));
        }

        LaddTraining first = TinyLadd.training(manager, config);
        first.step(manager, TinyLadd.batch(6, 0));
        first.step(manager, TinyLadd.batch(6, 1));
        byte[] saved = Safetensors.toBytes(first.captureState(Map.of("run", "r")));

        LaddTraining resumed = TinyLadd.training(manager, config);
        resumed.restoreState(Safetensors.read(saved));
        assertThat(resumed.iteration()).isEqualTo(2);
        resumed.step(manager, TinyLadd.batch(6, 2));
        resumed.step(manager, TinyLadd.batch(6, 3));

        SafetensorsFile a = uninterrupted.captureState(Map.of());
        SafetensorsFile b = resumed.captureState(Map.of());
        assertThat(b.tensors().keySet()).isEqualTo(a.tensors().keySet()).anyMatch(k -> k.startsWith("ema/"));
        a.tensors().forEach((name, tensor) -> assertThat(b.tensor(name).values()).as(name).isEqualTo(tensor.values()));
    }

    @Test
    void theOptionalLossesAddExactlyTheirWeightedTerms() throws Exception {
        LaddConfig plain = TinyLadd.config();
        LaddConfig withBoth = plain.toBuilder().discriminatorSteps(1).r1Weight(2.0).r1Sigma(0.01).emaDecay(0)
                .distillationWeight(3.0).build();
        LaddStepMetrics off = TinyLadd.training(manager, plain).step(manager, TinyLadd.batch(6, 5));
        LaddStepMetrics on = TinyLadd.training(manager, withBoth).step(manager, TinyLadd.batch(6, 5));
        // same weights and randomness: the student's loss differs by exactly 3 · MSE(x̂₀, x₀)
        assertThat(on.distillation()).isEqualTo(off.distillation()).isPositive();
        assertThat(on.studentLoss() - off.studentLoss()).isCloseTo(3.0 * off.distillation(), within(1e-4));
        // the R1 penalty is non-negative and changes the heads' loss
        assertThat(on.discriminatorLoss()).isGreaterThan(off.discriminatorLoss());
    }

    @Test
    void withAnEmaThePublishedWeightsAreTheAverageNotTheTrainingWeights() throws Exception {
        LaddConfig p = TinyLadd.config();
        LaddConfig config = p.toBuilder().studentLearningRate(1e-2f).discriminatorSteps(1).r1Weight(0).r1Sigma(0.01)
                .emaDecay(0.75).distillationWeight(0).build();
        FlowTransformer teacher = TinyLadd.model(manager);
        FlowTransformer student = TinyLadd.copyOf(teacher, manager);
        LaddTraining training = new LaddTraining(teacher, student, TinyLadd.heads(teacher, config, manager),
                TinyLadd.TOKENIZER, config);
        // the output projection: zero-initialized (adaLN-Zero), so it is the first to move
        Parameter output = student.getParameters().stream().filter(e -> e.getKey().contains("final_out"))
                .findFirst().orElseThrow().getValue();
        String name = student.getParameters().stream().filter(e -> e.getValue() == output).findFirst().orElseThrow().getKey();
        float[] w0 = output.getArray().toFloatArray();
        training.step(manager, TinyLadd.batch(6, 0));
        float[] w1 = output.getArray().toFloatArray();
        assertThat(w1).isNotEqualTo(w0);
        float[] average = training.publishedWeights().get(name).toFloatArray();
        for (int i = 0; i < w0.length; i++) {
            assertThat(average[i]).isCloseTo(0.75f * w0[i] + 0.25f * w1[i], within(1e-6f));
        }
        assertThat(average).isNotEqualTo(w1);
    }

    @Test
    void headsThatReadOtherBlocksThanTheConfigAreRefused() throws Exception {
        LaddConfig config = TinyLadd.config();
        FlowTransformer teacher = TinyLadd.model(manager);
        LaddConfig onlyFirst = LaddConfig.builder().studentTimesteps(config.studentTimesteps())
                .studentTimestepWeights(config.studentTimestepWeights()).featureBlocks(List.of(0)).headChannels(8)
                .batchSize(6).build();
        assertThatThrownBy(() -> new LaddTraining(teacher, TinyLadd.copyOf(teacher, manager),
                TinyLadd.heads(teacher, config, manager), TinyLadd.TOKENIZER, onlyFirst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks");
        assertThatThrownBy(() -> LaddTraining.featureBlocks(onlyFirst.toBuilder().featureBlocks(List.of(0, 5)).build(),
                teacher.config().denoiser()))
                .hasMessageContaining("featureBlocks [0, 5] but the teacher has 2 blocks");
    }

    /** Σ g² over the block's parameters; a parameter that never received a gradient counts 0. */
    private static double gradientNorm(ai.djl.nn.Block block) {
        double sum = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (!w.hasGradient()) {
                continue;
            }
            try {
                NDArray g = w.getGradient();
                sum += g.mul(g).sum().getFloat();
            } catch (IllegalStateException neverReceivedOne) {
                // PyTorch leaves .grad undefined until a backward pass reaches the tensor
            }
        }
        return sum;
    }
}
