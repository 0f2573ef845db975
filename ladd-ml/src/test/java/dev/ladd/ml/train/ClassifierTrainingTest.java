package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifestException;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.djl.KernelSettings;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.metrics.ClassifierOutputs;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@Tag("conv-training")
class ClassifierTrainingTest {

    @BeforeAll
    static void backendComputesRight() {
        KernelSettings.skipTrainingWhereTheDefaultKernelsAreBroken();
    }

    static final LabeledImages TRAIN = TinyDataset.generate(500, TinyDataset.MAX_CLASSES, 11).paddedTo32();
    static final LabeledImages HELD_OUT = TinyDataset.generate(200, TinyDataset.MAX_CLASSES, 12).paddedTo32();

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static ClassifierTraining.Config config(long steps, long seed) {
        return new ClassifierTraining.Config(steps, 32, 5e-3, 1e-4, seed);
    }

    FashionClassifier trained(long steps, long seed, List<Double> losses) {
        ClassifierTraining.Config config = config(steps, seed);
        FashionClassifier model = ClassifierTraining.newClassifier(FashionClassifierConfig.tiny(), config, manager);
        ClassifierTraining.train(model, config, TRAIN, (step, total, metrics) -> losses.add(metrics.get("loss")));
        return model;
    }

    @Test
    void aNonFiniteLossStopsTheRunAtItsStepNamingTheTerm() {
        ClassifierTraining.Config config = config(3, 1);
        FashionClassifier model = ClassifierTraining.newClassifier(FashionClassifierConfig.tiny(), config, manager);
        model.getParameters().get(0).getValue().getArray().set(new ai.djl.ndarray.index.NDIndex(0), Float.NaN);
        List<Long> steps = new ArrayList<>();

        assertThatThrownBy(() -> ClassifierTraining.train(model, config, TRAIN, (step, total, m) -> steps.add(step)))
                .isInstanceOf(NonFiniteTrainingException.class)
                .hasMessageContaining("classifier training stopped at step 1: ")
                .hasMessageContaining("loss is NaN");
        assertThat(steps).isEmpty();
    }

    @Test
    void theLossFallsOnTheTinyDatasetAndTheShapesAreLearned() {
        List<Double> losses = new ArrayList<>();
        FashionClassifier model = trained(60, 1, losses);

        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(55, 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(losses).hasSize(60).allMatch(Double::isFinite);
        assertThat(last).isLessThan(first / 3);
        assertThat(ClassifierTraining.accuracy(model, HELD_OUT)).isGreaterThan(0.8);
        // no dead features: each one varies over the held-out images
        double[][] features = ClassifierOutputs.of(model, HELD_OUT).features();
        for (int j = 0; j < features[0].length; j++) {
            int feature = j;
            assertThat(java.util.Arrays.stream(features).mapToDouble(f -> f[feature]).distinct().count())
                    .as("feature %d", j).isGreaterThan(HELD_OUT.count() / 2);
        }
    }

    @Test
    void aRunIsDeterministicForASeed() {
        FashionClassifier a = trained(5, 2, new ArrayList<>());
        FashionClassifier b = trained(5, 2, new ArrayList<>());
        FashionClassifier c = trained(5, 3, new ArrayList<>());

        boolean anyDifferent = false;
        for (Pair<String, Parameter> p : a.getParameters()) {
            float[] values = p.getValue().getArray().toFloatArray();
            assertThat(b.getParameters().get(p.getKey()).getArray().toFloatArray()).as(p.getKey()).containsExactly(values);
            anyDifferent |= !java.util.Arrays.equals(values, c.getParameters().get(p.getKey()).getArray().toFloatArray());
        }
        assertThat(anyDifferent).isTrue();
    }

    /** Cross-entropy against log-sum-exp by hand; its gradient (softmax − onehot)/B survives a forced GC. */
    @Test
    void crossEntropyAndItsGradientMatchTheClosedForm() {
        float[][] z = {{1, 2, 0.5f}, {-1, 0, 3}};
        int[] labels = {1, 0};
        NDArray logits = manager.create(new float[]{1, 2, 0.5f, -1, 0, 3}, new Shape(2, 3));
        NDArray targets = manager.create(new float[]{0, 1, 0, 1, 0, 0}, new Shape(2, 3));
        logits.setRequiresGradient(true);
        double expected = 0;
        double[][] softmax = new double[2][3];
        for (int b = 0; b < 2; b++) {
            double sum = 0;
            for (float v : z[b]) {
                sum += Math.exp(v);
            }
            expected += (Math.log(sum) - z[b][labels[b]]) / 2;
            for (int k = 0; k < 3; k++) {
                softmax[b][k] = Math.exp(z[b][k]) / sum;
            }
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = ClassifierTraining.crossEntropy(logits, targets);
            assertThat((double) loss.getFloat()).isCloseTo(expected, within(1e-6));
            System.gc();
            collector.backward(loss);
        }
        float[] gradient = logits.getGradient().toFloatArray();
        for (int b = 0; b < 2; b++) {
            for (int k = 0; k < 3; k++) {
                double g = (softmax[b][k] - (k == labels[b] ? 1 : 0)) / 2;
                assertThat((double) gradient[b * 3 + k]).isCloseTo(g, within(1e-6));
            }
        }
    }

    @Test
    void aCheckpointRoundTripGivesIdenticalFeaturesAndKeepsTheAccuracy() throws Exception {
        FashionClassifier model = trained(5, 4, new ArrayList<>());
        double accuracy = ClassifierTraining.accuracy(model, HELD_OUT);

        ClassifierTraining.Checkpoint checkpoint = ClassifierTraining.saveCheckpoint(model, TinyDataset.CLASS_NAMES, 5,
                Map.of(ClassifierTraining.TEST_ACCURACY, accuracy));
        CheckpointManifest manifest = CheckpointManifests.read(CheckpointManifests.toJson(checkpoint.manifest()));
        FashionClassifier loaded = ClassifierTraining.load(manifest, checkpoint.safetensors(), manager);

        assertThat(manifest.kind()).isEqualTo("classifier");
        assertThat(manifest.step()).isEqualTo(5);
        assertThat(manifest.metrics()).containsEntry("test_accuracy", accuracy);
        assertThat(manifest.vocabulary()).isEqualTo(TinyDataset.CLASS_NAMES);
        assertThat(CheckpointManifests.architectureAs(manifest, FashionClassifierConfig.class)).isEqualTo(FashionClassifierConfig.tiny());
        ClassifierOutputs before = ClassifierOutputs.of(model, HELD_OUT);
        ClassifierOutputs after = ClassifierOutputs.of(loaded, HELD_OUT);
        assertThat(after.predictions()).containsExactly(before.predictions());
        for (int i = 0; i < HELD_OUT.count(); i++) {
            assertThat(after.features()[i]).containsExactly(before.features()[i]);
        }
        assertThat(after.accuracy(HELD_OUT.labels())).isEqualTo(accuracy);
        assertThat(loaded.getParameters().values()).noneMatch(Parameter::requiresGradient);
    }

    @Test
    void loadingRefusesAnotherKindOtherBytesAndAnotherArchitecture() {
        FashionClassifier model = ClassifierTraining.newClassifier(FashionClassifierConfig.tiny(), config(0, 5), manager);
        ClassifierTraining.Checkpoint checkpoint = ClassifierTraining.saveCheckpoint(model, TinyDataset.CLASS_NAMES, 0, Map.of());
        CheckpointManifest manifest = checkpoint.manifest();
        byte[] weights = checkpoint.safetensors();

        CheckpointManifest autoencoder = new CheckpointManifest(manifest.formatVersion(), "autoencoder", manifest.architecture(),
                manifest.vocabulary(), null, null, null, null, 0, Map.of(), manifest.weightsSha256(), manifest.weightsDtype(), null, null);
        assertThatThrownBy(() -> ClassifierTraining.load(autoencoder, weights, manager))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("autoencoder");
        byte[] tampered = weights.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> ClassifierTraining.load(manifest, tampered, manager))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("SHA-256");
        CheckpointManifest wider = manifest.withArchitecture(
                CheckpointManifests.architectureOf(new FashionClassifierConfig(1, 32, 8, 3, 16, 10)));
        assertThatThrownBy(() -> ClassifierTraining.load(wider, weights, manager))
                .isInstanceOf(CheckpointMismatchException.class).hasMessageContaining("shape mismatch");
        assertThatThrownBy(() -> ClassifierTraining.saveCheckpoint(model, List.of("a", "b"), 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class names");
    }

    @Test
    void refusesUnpaddedImages() {
        FashionClassifier model = ClassifierTraining.newClassifier(FashionClassifierConfig.tiny(), config(1, 6), manager);
        LabeledImages unpadded = TinyDataset.generate(10, 6);

        assertThatThrownBy(() -> ClassifierTraining.train(model, config(1, 6), unpadded, TrainingMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paddedTo32");
        assertThatThrownBy(() -> ClassifierOutputs.of(model, unpadded))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paddedTo32");
    }
}
