package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifestException;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.djl.KernelSettings;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.LatentNormalization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@Tag("conv-training")
class AutoencoderTrainingTest {

    @BeforeAll
    static void backendComputesRight() {
        KernelSettings.skipTrainingWhereTheDefaultKernelsAreBroken();
    }

    static final LabeledImages TRAIN = TinyDataset.generate(256, TinyDataset.MAX_CLASSES, 5).paddedTo32();
    static final LabeledImages HELD_OUT = TinyDataset.generate(64, TinyDataset.MAX_CLASSES, 6).paddedTo32();

    static final double LEARNING_RATE = 1e-2;

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    Autoencoder tiny(long seed) {
        Autoencoder model = new Autoencoder(AutoencoderConfig.tiny());
        model.initialize(manager, seed);
        return model;
    }

    static AutoencoderTraining.Config config(long steps, long seed) {
        return new AutoencoderTraining.Config(steps, 16, LEARNING_RATE, 1e-4, seed);
    }

    static Map<String, float[]> weights(Autoencoder model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return weights;
    }

    static void assertSameWeights(Autoencoder actual, Autoencoder expected) {
        Map<String, float[]> a = weights(actual);
        weights(expected).forEach((name, values) -> assertThat(a.get(name)).as(name).containsExactly(values));
    }

    @Test
    void aNonFiniteLossStopsTheRunAtItsStepNamingTheTermsAndLeavesTheWeightsUntouched() {
        Autoencoder model = tiny(1);
        Parameter first = model.getParameters().get(0).getValue();
        first.getArray().set(new ai.djl.ndarray.index.NDIndex(0), Float.NaN);
        Map<String, float[]> before = weights(model);
        AutoencoderTrainingState state = AutoencoderTrainingState.start(model, config(3, 1));

        assertThatThrownBy(() -> AutoencoderTraining.train(state, TRAIN, TrainingMonitor.NONE))
                .isInstanceOf(NonFiniteTrainingException.class)
                .hasMessageContaining("autoencoder training stopped at step 1: ")
                .hasMessageContaining("loss is NaN")
                .hasMessageContaining("the weights are those of step 0");
        assertThat(state.step()).isZero();
        Map<String, float[]> after = weights(model);
        before.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
    }

    /** MSE of the deterministic reconstructions of the first images of the held-out set, in [−1, 1] units. */
    double heldOutMse(Autoencoder model) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray images = sub.create(HELD_OUT.signedImages(0, 32), new Shape(32, 1, 32, 32));
            NDArray diff = model.reconstruct(new ParameterStore(sub, false), images, false).sub(images);
            return diff.mul(diff).mean().getFloat();
        }
    }

    @Test
    void theLossFallsClearlyOnTheTinyDatasetWithinAFewSeconds() {
        Autoencoder model = tiny(1);
        double mseBefore = heldOutMse(model);
        double psnrBefore = ReconstructionPsnr.of(model, HELD_OUT);
        List<Map<String, Double>> log = new ArrayList<>();

        AutoencoderTraining.Result result = AutoencoderTraining.train(
                AutoencoderTrainingState.start(model, config(120, 1)), TRAIN, (step, total, metrics) -> log.add(metrics));

        assertThat(result.step()).isEqualTo(120);
        assertThat(result.stoppedEarly()).isFalse();
        assertThat(log).hasSize(120);
        assertThat(log.get(0)).containsOnlyKeys("loss", "mse", "kl", "grad_norm");
        double first = log.subList(0, 10).stream().mapToDouble(m -> m.get("loss")).average().orElseThrow();
        double last = log.subList(110, 120).stream().mapToDouble(m -> m.get("loss")).average().orElseThrow();
        assertThat(last).as("training loss, first 10 steps %s", first).isLessThan(0.5 * first);
        double mseAfter = heldOutMse(model);
        assertThat(mseAfter).as("held-out MSE before: %s", mseBefore).isLessThan(0.5 * mseBefore);
        double psnrAfter = ReconstructionPsnr.of(model, HELD_OUT);
        assertThat(psnrAfter).as("held-out PSNR before: %s", psnrBefore).isGreaterThan(psnrBefore + 3);
    }

    @Test
    void trainingIsDeterministicForASeed() {
        Autoencoder a = tiny(2);
        Autoencoder b = tiny(2);
        Autoencoder c = tiny(2);

        AutoencoderTraining.train(AutoencoderTrainingState.start(a, config(8, 7)), TRAIN, TrainingMonitor.NONE);
        AutoencoderTraining.train(AutoencoderTrainingState.start(b, config(8, 7)), TRAIN, TrainingMonitor.NONE);
        AutoencoderTraining.train(AutoencoderTrainingState.start(c, config(8, 8)), TRAIN, TrainingMonitor.NONE);

        assertSameWeights(b, a);
        assertThat(weights(c).get(firstParameter(a))).isNotEqualTo(weights(a).get(firstParameter(a)));
    }

    private static String firstParameter(Autoencoder model) {
        return model.getParameters().keys().get(0);
    }

    @Test
    void aRunStoppedSavedAndResumedInANewModelEndsBitForBitLikeAnUninterruptedOne() throws Exception {
        int total = 8;
        int stopAt = 3;
        Autoencoder straight = tiny(3);
        AutoencoderTraining.train(AutoencoderTrainingState.start(straight, config(total, 11)), TRAIN, TrainingMonitor.NONE);

        Autoencoder first = tiny(3);
        AutoencoderTrainingState state = AutoencoderTrainingState.start(first, config(total, 11));
        AutoencoderTraining.Result stopped = AutoencoderTraining.train(state, TRAIN, (step, all, metrics) -> step < stopAt);
        assertThat(stopped.step()).isEqualTo(stopAt);
        assertThat(stopped.stoppedEarly()).isTrue();
        byte[] saved = state.toSafetensors();

        Autoencoder resumedModel = tiny(99); // other weights: all of them must come from the file
        AdamW resumedOptimizer = new AdamW(resumedModel, (float) LEARNING_RATE, AutoencoderTraining.BETA1, AutoencoderTraining.BETA2, 0f);
        AutoencoderTrainingState resumed = AutoencoderTrainingState.load(saved, resumedModel, resumedOptimizer);
        assertThat(resumed.step()).isEqualTo(stopAt);
        assertThat(resumed.config()).isEqualTo(config(total, 11));
        assertThat(resumedOptimizer.steps()).isEqualTo(stopAt);
        AutoencoderTraining.Result end = AutoencoderTraining.train(resumed, TRAIN, TrainingMonitor.NONE);

        assertThat(end.step()).isEqualTo(total);
        assertSameWeights(resumedModel, straight);
    }

    @Test
    void theStateIsOneSafetensorsFileOfWeightsMomentsAndStep() throws Exception {
        Autoencoder model = tiny(4);
        AutoencoderTrainingState state = AutoencoderTrainingState.start(model, config(3, 1));
        AutoencoderTraining.train(state, TRAIN, TrainingMonitor.NONE);

        SafetensorsFile file = Safetensors.read(state.toSafetensors());

        int parameters = model.getParameters().size();
        assertThat(file.tensors().keySet().stream().filter(n -> n.startsWith("model/"))).hasSize(parameters);
        assertThat(file.tensors().keySet().stream().filter(n -> n.startsWith("optim/m/"))).hasSize(parameters);
        assertThat(file.tensors().keySet().stream().filter(n -> n.startsWith("optim/v/"))).hasSize(parameters);
        assertThat(file.tensors()).hasSize(3 * parameters);
        assertThat(file.metadata()).containsEntry("step", "3").containsEntry("seed", "1").containsEntry("optimizerSteps", "3");

        // a state of another architecture is refused before anything is loaded
        Autoencoder other = new Autoencoder(new AutoencoderConfig(1, 32, 4, 8, 2));
        other.initialize(manager, 0);
        assertThatThrownBy(() -> AutoencoderTrainingState.load(state.toSafetensors(), other))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("training state is for the autoencoder");
    }

    /** KL against the closed form; its gradients μ/n and ½(e^logσ² − 1)/n survive a forced GC between forward and backward. */
    @Test
    void theKlTermAndItsGradientsMatchTheClosedForm() {
        float[] mu = {0.5f, -1, 2, 0};
        float[] logVar = {0, 1, -2, 0.5f};
        NDArray mean = manager.create(mu);
        NDArray logVariance = manager.create(logVar);
        mean.setRequiresGradient(true);
        logVariance.setRequiresGradient(true);
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            expected += 0.5 * (mu[i] * mu[i] + Math.exp(logVar[i]) - 1 - logVar[i]) / 4;
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray kl = AutoencoderLoss.klDivergence(mean, logVariance);
            assertThat((double) kl.getFloat()).isCloseTo(expected, within(1e-6));
            System.gc();
            collector.backward(kl);
        }
        float[] dMean = mean.getGradient().toFloatArray();
        float[] dLogVar = logVariance.getGradient().toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertThat((double) dMean[i]).isCloseTo(mu[i] / 4.0, within(1e-6));
            assertThat((double) dLogVar[i]).isCloseTo(0.5 * (Math.exp(logVar[i]) - 1) / 4, within(1e-6));
        }
    }

    @Test
    void theLatentNormalizationGivesUnitStandardDeviationOnTheSample() {
        Autoencoder model = tiny(5);
        AutoencoderTraining.train(AutoencoderTrainingState.start(model, config(5, 1)), TRAIN, TrainingMonitor.NONE);

        LatentNormalization normalization = LatentStatistics.normalization(model, TRAIN);
        model.setLatentNormalization(normalization);

        try (NDManager sub = manager.newSubManager()) {
            NDArray images = sub.create(TRAIN.signedImages(0, TRAIN.count()), new Shape(TRAIN.count(), 1, 32, 32));
            NDArray z = model.toLatent(model.encode(new ParameterStore(sub, false), images, false).get(0));
            double mean = z.mean().getFloat();
            NDArray centred = z.sub(mean);
            double std = Math.sqrt(centred.mul(centred).mean().getFloat());
            assertThat(mean).isCloseTo(0, within(1e-3));
            assertThat(std).isCloseTo(1, within(1e-3));
        }
        assertThat(normalization.scale()).isNotEqualTo(1.0);
    }

    @Test
    void aCheckpointRoundTripGivesIdenticalReconstructions() throws Exception {
        Autoencoder model = tiny(6);
        AutoencoderTraining.train(AutoencoderTrainingState.start(model, config(5, 2)), TRAIN, TrainingMonitor.NONE);
        model.setLatentNormalization(LatentStatistics.normalization(model, TRAIN));
        double psnr = ReconstructionPsnr.of(model, HELD_OUT);

        Checkpoint checkpoint = AutoencoderCheckpoint.save(model, 5, Map.of("psnr", psnr));
        CheckpointManifest manifest = CheckpointManifests.read(CheckpointManifests.toJson(checkpoint.manifest()));
        Autoencoder loaded = AutoencoderCheckpoint.load(manifest, checkpoint.weights(), manager);

        assertThat(manifest.kind()).isEqualTo("autoencoder");
        assertThat(manifest.step()).isEqualTo(5);
        assertThat(manifest.metrics()).containsEntry("psnr", psnr);
        assertThat(manifest.latentScale()).isEqualTo(model.latentNormalization().scale());
        assertThat(manifest.latentShift()).isEqualTo(model.latentNormalization().shift());
        assertThat(CheckpointManifests.architectureAs(manifest, AutoencoderConfig.class)).isEqualTo(AutoencoderConfig.tiny());
        assertThat(loaded.latentNormalization()).isEqualTo(model.latentNormalization());
        try (NDManager sub = manager.newSubManager()) {
            NDArray images = sub.create(HELD_OUT.signedImages(0, 8), new Shape(8, 1, 32, 32));
            ParameterStore ps = new ParameterStore(sub, false);
            assertThat(loaded.reconstruct(ps, images, false).toFloatArray())
                    .containsExactly(model.reconstruct(ps, images, false).toFloatArray());
        }
        assertThat(ReconstructionPsnr.of(loaded, HELD_OUT)).isEqualTo(psnr);
    }

    @Test
    void loadingRefusesAnotherKindOtherBytesAndAnotherArchitecture() {
        Autoencoder model = tiny(7);
        Checkpoint checkpoint = AutoencoderCheckpoint.save(model, 0, Map.of());
        CheckpointManifest manifest = checkpoint.manifest();
        byte[] weights = checkpoint.weights();

        CheckpointManifest teacher = new CheckpointManifest(manifest.formatVersion(), "teacher", manifest.architecture(),
                manifest.vocabulary(), null, null, null, null, 0, Map.of(), manifest.weightsSha256(), manifest.weightsDtype(), null, null);
        assertThatThrownBy(() -> AutoencoderCheckpoint.load(teacher, weights, manager))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("teacher");

        byte[] tampered = weights.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> AutoencoderCheckpoint.load(manifest, tampered, manager))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("SHA-256");

        CheckpointManifest wider = manifest.withArchitecture(
                CheckpointManifests.architectureOf(new AutoencoderConfig(1, 32, 4, 8, 2)));
        assertThatThrownBy(() -> AutoencoderCheckpoint.load(wider, weights, manager))
                .isInstanceOf(CheckpointMismatchException.class).hasMessageContaining("shape mismatch");
    }
}
