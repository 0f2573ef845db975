package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeacherTrainingTest {

    static final int CLASSES = 4;
    static final TeacherTraining.Config CONFIG = TeacherTraining.Config.of(12, 8, 3e-3f, 5);

    NDManager manager;
    Prompts prompts;
    WordTokenizer tokenizer;
    LatentDataset data;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        prompts = TinyDataset.prompts(CLASSES);
        tokenizer = WordTokenizer.build(prompts.allPrompts(), 8);
        // tiny latents: one fixed pattern per class plus a little noise
        Random rng = new Random(1);
        int count = 32;
        float[] patterns = new float[CLASSES * 4 * 8 * 8];
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = (float) rng.nextGaussian();
        }
        float[] latents = new float[count * 256];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            labels[n] = n % CLASSES;
            for (int j = 0; j < 256; j++) {
                latents[n * 256 + j] = patterns[labels[n] * 256 + j] + 0.1f * (float) rng.nextGaussian();
            }
        }
        data = new LatentDataset(latents, new Shape(4, 8, 8), labels);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    FlowTransformer newModel() {
        Engine.getInstance().setRandomSeed(11);
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
        model.initialize(manager);
        return model;
    }

    static float[] weights(FlowTransformer model) {
        return BlockWeights.snapshot(model, DType.F32, Map.of()).tensors().values().stream()
                .map(t -> t.values()).reduce(new float[0], (a, b) -> {
                    float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
    }

    @Test
    void aNonFiniteLossStopsTheRunAtItsStepNamingTheTermAndLeavesTheWeightsUntouched() {
        float[] latents = data.gather(java.util.stream.IntStream.range(0, data.count()).toArray());
        java.util.Arrays.fill(latents, Float.NaN);
        LatentDataset poisoned = new LatentDataset(latents, data.latentShape(), data.labels());
        FlowTransformer model = newModel();
        float[] before = weights(model);
        List<Long> steps = new ArrayList<>();

        assertThatThrownBy(() -> new TeacherTraining(model, tokenizer, prompts, CONFIG)
                .train(manager, poisoned, (step, total, metrics) -> steps.add(step)))
                .isInstanceOf(NonFiniteTrainingException.class)
                .hasMessageContaining("teacher training stopped at step 1: ")
                .hasMessageContaining("loss is NaN")
                .satisfies(e -> assertThat(((NonFiniteTrainingException) e).step()).isEqualTo(1));
        assertThat(steps).isEmpty();
        assertThat(weights(model)).containsExactly(before);
    }

    @Test
    void theSameSeedTrainsTheSameWeights() {
        FlowTransformer a = newModel();
        new TeacherTraining(a, tokenizer, prompts, CONFIG).train(manager, data, TrainingMonitor.NONE);
        FlowTransformer b = newModel();
        new TeacherTraining(b, tokenizer, prompts, CONFIG).train(manager, data, TrainingMonitor.NONE);

        assertThat(weights(b)).containsExactly(weights(a));
    }

    @Test
    void aStoppedAndResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
        FlowTransformer straight = newModel();
        new TeacherTraining(straight, tokenizer, prompts, CONFIG).train(manager, data, TrainingMonitor.NONE);

        FlowTransformer first = newModel();
        TeacherTraining interrupted = new TeacherTraining(first, tokenizer, prompts, CONFIG);
        long stoppedAt = interrupted.train(manager, data, (step, total, metrics) -> step < 5);
        byte[] saved = Safetensors.toBytes(TrainingState.capture(first, interrupted.optimizer(), stoppedAt, Map.of()));

        FlowTransformer second = newModel();
        TeacherTraining resumed = new TeacherTraining(second, tokenizer, prompts, CONFIG);
        resumed.resume(Safetensors.read(saved));
        long end = resumed.train(manager, data, TrainingMonitor.NONE);

        assertThat(stoppedAt).isEqualTo(5);
        assertThat(end).isEqualTo(12);
        assertThat(weights(second)).containsExactly(weights(straight));
    }

    @Test
    void theLossFallsOnTinyDataWithinAFewSeconds() {
        FlowTransformer model = newModel();
        double[] losses = new double[150];
        new TeacherTraining(model, tokenizer, prompts, TeacherTraining.Config.of(150, 16, 1e-2f, 9))
                .train(manager, data, (step, total, metrics) -> {
                    losses[(int) step - 1] = metrics.get("loss");
                    return true;
                });
        double first = java.util.Arrays.stream(losses, 0, 20).average().orElseThrow();
        double last = java.util.Arrays.stream(losses, 130, 150).average().orElseThrow();
        assertThat(last).as("mean loss of the last 20 steps vs the first 20 (%s)", first).isLessThan(0.75 * first);
    }
}
