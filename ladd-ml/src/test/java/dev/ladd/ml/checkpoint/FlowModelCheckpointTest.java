package dev.ladd.ml.checkpoint;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.pipeline.FlowModel.Role;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.text.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowModelCheckpointTest {

    NDManager manager;
    WordTokenizer tokenizer;
    FlowTransformer network;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(4);
        manager = NDManager.newBaseManager();
        tokenizer = WordTokenizer.build(TinyDataset.prompts(3).allPrompts(), 8);
        network = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
        network.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
        network.initialize(manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Map<String, NDArray> weights() {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        network.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
        return weights;
    }

    @Test
    void aTeacherRoundTripsWithItsRoleVocabularyAndLatentSpace() throws IOException {
        Checkpoint saved = FlowModelCheckpoint.teacher(network, tokenizer, 1.7, -0.1, "ae", 100, Map.of("loss", 0.5));
        CheckpointManifest manifest = CheckpointManifests.read(saved.manifestJson());

        try (FlowModel teacher = FlowModelCheckpoint.load(saved.weights(), manifest, Role.TEACHER)) {
            assertThat(teacher.role()).isEqualTo(Role.TEACHER);
            assertThat(manifest.kind()).isEqualTo("teacher");
            assertThat(manifest.latentScale()).isEqualTo(1.7);
            assertThat(manifest.parent()).isEqualTo("ae");
            assertThat(teacher.tokenizer().vocabulary()).isEqualTo(tokenizer.vocabulary());
            assertThat(BlockWeights.toSafetensors(teacher.network(), DType.F32, Map.of("kind", "teacher")))
                    .isEqualTo(saved.weights());
        }
    }

    @Test
    void aStudentKeepsItsTeachersSpaceAndNamesItsSampler() throws IOException {
        Checkpoint teacher = FlowModelCheckpoint.teacher(network, tokenizer, 0.5, 0.1, "ae", 10, Map.of());
        Checkpoint saved = FlowModelCheckpoint.student(weights(), teacher.manifest(), "default", "run-1", 20,
                Map.of("loss_student", 0.5), 0.0);
        CheckpointManifest manifest = saved.manifest();

        assertThat(manifest.kind()).isEqualTo(Role.STUDENT.kind());
        assertThat(manifest.parent()).isEqualTo("default");
        assertThat(manifest.runId()).isEqualTo("run-1");
        assertThat(manifest.latentScale()).isEqualTo(0.5);
        assertThat(manifest.samplerEta()).isEqualTo(0.0);
        assertThat(manifest.weightsDtype()).isEqualTo(DType.F32);
        try (FlowModel student = FlowModelCheckpoint.load(saved, Role.STUDENT)) {
            assertThat(student.role()).isEqualTo(Role.STUDENT);
            assertThat(student.samplerEta()).isEqualTo(0.0);
            assertThat(student.studentSampler(4).eta()).isEqualTo(0.0);
        }
    }

    @Test
    void refusesTamperedWeightsAnotherRoleAndAnotherArchitectureWithAClearMessage() {
        Checkpoint saved = FlowModelCheckpoint.teacher(network, tokenizer, 1.0, 0.0, null, 0, Map.of());
        byte[] tampered = saved.weights().clone();
        tampered[tampered.length - 1] ^= 1;

        assertThatThrownBy(() -> FlowModelCheckpoint.load(tampered, saved.manifest(), Role.TEACHER))
                .isInstanceOf(IOException.class).hasMessageContaining("refusing");
        assertThatThrownBy(() -> FlowModelCheckpoint.load(saved, Role.STUDENT))
                .isInstanceOf(IOException.class).hasMessageContaining("not a student");
        CheckpointManifest wider = saved.manifest().withArchitecture(CheckpointManifests.architectureOf(
                FlowTransformerConfig.tiny(tokenizer.vocabularySize() + 1, 8)));
        assertThatThrownBy(() -> FlowModelCheckpoint.load(saved.weights(), wider, Role.TEACHER))
                .isInstanceOf(CheckpointMismatchException.class);
        assertThatThrownBy(() -> Role.ofKind("autoencoder")).isInstanceOf(IllegalArgumentException.class);
    }
}
