package dev.ladd.ml.teacher;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TeacherTest {

    NDManager manager;
    Teacher.Checkpoint checkpoint;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(4);
        manager = NDManager.newBaseManager();
        Prompts prompts = TinyDataset.prompts(3);
        WordTokenizer tokenizer = WordTokenizer.build(prompts.allPrompts(), 8);
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
        model.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
        model.initialize(manager);
        checkpoint = Teacher.checkpoint(model, tokenizer, 1.7, -0.1, null, 100, Map.of("loss", 0.5));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void aLoadedTeacherSamplesDeterministicallyAndEachSampleDependsOnlyOnItsOwnSeed() throws IOException {
        try (Teacher teacher = Teacher.load(checkpoint.weights(), checkpoint.manifest())) {
            List<String> prompts = List.of("a photo of a square", "a photo of a cross");
            float[] both = teacher.sample(prompts, List.of(1L, 2L), 3, 1.5, 1.0);
            float[] again = teacher.sample(prompts, List.of(1L, 2L), 3, 1.5, 1.0);
            float[] firstAlone = teacher.sample(prompts.subList(0, 1), List.of(1L), 3, 1.5, 1.0);

            assertThat(again).containsExactly(both);
            assertThat(both).hasSize(2 * 4 * 8 * 8);
            for (int i = 0; i < firstAlone.length; i++) {
                assertThat(firstAlone[i]).isCloseTo(both[i], within(1e-4f));
            }
            assertThat(teacher.manifest().latentScale()).isEqualTo(1.7);
        }
    }

    @Test
    void refusesWeightsThatDoNotMatchTheManifest() {
        byte[] tampered = checkpoint.weights().clone();
        tampered[tampered.length - 1] ^= 1;

        assertThatThrownBy(() -> Teacher.load(tampered, checkpoint.manifest()))
                .hasMessageContaining("refusing");
    }

    @Test
    void aSyntheticShardRoundTripsThroughSafetensors() throws IOException {
        try (Teacher teacher = Teacher.load(checkpoint.weights(), checkpoint.manifest())) {
            LatentShard shard = teacher.syntheticShard("t1", List.of("a photo of a ring", ""), List.of(7L, 8L), 2, 1.5f);
            LatentShard read = LatentShard.fromSafetensors(shard.toSafetensors());

            assertThat(read.count()).isEqualTo(2);
            assertThat(read.prompts()).containsExactly("a photo of a ring", "");
            assertThat(read.seeds()).containsExactly(7L, 8L);
            assertThat(read.shape()).containsExactly(4, 8, 8);
            assertThat(read.latents()).containsExactly(shard.latents());
            assertThat(read.teacherId()).isEqualTo("t1");
        }
    }
}
