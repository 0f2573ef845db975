package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.teacher.Teacher;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StudentTest {

    @Test
    void samplesAreReproducibleIndependentOfTheirBatchAndDependOnTheStepCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            FlowTransformer model = TinyLadd.model(m);
            List<String> prompts = List.of(TinyLadd.PROMPTS.randomPrompt(0, new java.util.Random(1)),
                    TinyLadd.PROMPTS.randomPrompt(1, new java.util.Random(2)));
            float[] both = Student.sample(model, TinyLadd.TOKENIZER, prompts, List.of(5L, 6L), 4, m);
            float[] again = Student.sample(model, TinyLadd.TOKENIZER, prompts, List.of(5L, 6L), 4, m);
            float[] second = Student.sample(model, TinyLadd.TOKENIZER, prompts.subList(1, 2), List.of(6L), 4, m);
            float[] oneStep = Student.sample(model, TinyLadd.TOKENIZER, prompts, List.of(5L, 6L), 1, m);
            assertThat(again).isEqualTo(both);
            assertThat(Arrays.copyOfRange(both, 256, 512)).isEqualTo(second);
            assertThat(oneStep).isNotEqualTo(both);
        }
    }

    @Test
    void withoutFreshNoiseEachStudentStepIsAnEulerStepOfTheUnguidedFlow() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FlowTransformer model = TinyLadd.model(m);
            Teacher.Checkpoint checkpoint = Teacher.checkpoint(model, TinyLadd.TOKENIZER, 0.5, 0.1, "ae", 10, Map.of());
            List<String> prompts = List.of(TinyLadd.PROMPTS.randomPrompt(3, new java.util.Random(4)),
                    TinyLadd.PROMPTS.randomPrompt(2, new java.util.Random(5)));
            List<Long> seeds = List.of(11L, 12L);
            float[] deterministic = Student.sample(model, TinyLadd.TOKENIZER, prompts, seeds, 4, 0.0, m);
            float[] fresh = Student.sample(model, TinyLadd.TOKENIZER, prompts, seeds, 4, 1.0, m);
            try (Teacher teacher = Teacher.load(checkpoint.weights(), checkpoint.manifest())) {
                float[] euler = teacher.sample(prompts, seeds, 4, 1.0, 1.0);
                for (int i = 0; i < euler.length; i++) {
                    assertThat(deterministic[i]).as("latent value %d", i).isCloseTo(euler[i], within(1e-4f));
                }
                assertThat(maxAbsDifference(fresh, euler)).isGreaterThan(1e-2f);
            }
            assertThat(Student.sample(model, TinyLadd.TOKENIZER, prompts, seeds, 4, m)).isEqualTo(fresh);
            assertThatThrownBy(() -> Student.sample(model, TinyLadd.TOKENIZER, prompts, seeds, 4, 1.5, m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eta");
        }
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void aCheckpointLoadsBackAsTheSameModelAndATamperedOneIsRefused() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FlowTransformer model = TinyLadd.model(m);
            Teacher.Checkpoint teacher = Teacher.checkpoint(model, TinyLadd.TOKENIZER, 0.5, 0.1, "ae", 10, Map.of());
            Map<String, ai.djl.ndarray.NDArray> weights = new java.util.LinkedHashMap<>();
            model.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            Student.Checkpoint checkpoint = Student.checkpoint(weights, teacher.manifest(), "default", "run-1", 20,
                    Map.of("loss_student", 0.5), 0.0);
            CheckpointManifest manifest = checkpoint.manifest();
            assertThat(manifest.kind()).isEqualTo("student");
            assertThat(manifest.parent()).isEqualTo("default");
            assertThat(manifest.runId()).isEqualTo("run-1");
            assertThat(manifest.latentScale()).isEqualTo(0.5);
            assertThat(manifest.samplerEta()).isEqualTo(0.0);
            List<String> prompts = List.of("a photo of a thing");
            try (Student student = Student.load(checkpoint.weights(), manifest)) {
                assertThat(student.samplerEta()).isEqualTo(0.0);
                assertThat(student.sample(prompts, List.of(3L), 2))   // with the sampler its manifest names
                        .isEqualTo(Student.sample(model, TinyLadd.TOKENIZER, prompts, List.of(3L), 2, 0.0, m));
            }
            byte[] tampered = checkpoint.weights().clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> Student.load(tampered, manifest)).isInstanceOf(IOException.class)
                    .hasMessageContaining("refusing");
            assertThatThrownBy(() -> Student.load(teacher.weights(), teacher.manifest())).isInstanceOf(IOException.class)
                    .hasMessageContaining("not a student");
            assertThat(manifest.weightsDtype()).isEqualTo(DType.F32);
        }
    }
}
