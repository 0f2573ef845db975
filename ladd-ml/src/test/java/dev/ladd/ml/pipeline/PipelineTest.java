package dev.ladd.ml.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.diffusion.SeededBatches;
import dev.ladd.ml.diffusion.StudentSampler;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.pipeline.FlowModel.Role;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PipelineTest {

    static final List<String> PROMPTS = List.of("a photo of a square", "a photo of a cross");
    static final List<Long> SEEDS = List.of(5L, 6L);

    NDManager manager;
    WordTokenizer tokenizer;
    FlowTransformer network;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(4);
        manager = NDManager.newBaseManager();
        Prompts prompts = TinyDataset.prompts(3);
        tokenizer = WordTokenizer.build(prompts.allPrompts(), 8);
        network = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
        network.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
        network.initialize(manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void theTeachersPipelineGivesExactlyTheLatentsOfTheSamplerRunOverSeededBatchesByHand() {
        EulerSampler sampler = new EulerSampler(3, 1.5, 1.0);
        float[] byHand = SeededBatches.sample(network.config().denoiser(), PROMPTS, SEEDS, manager, (chunk, start, texts, rngs) -> {
            NDArray[] text = PromptArrays.of(chunk, tokenizer, texts);
            NDArray[] empty = PromptArrays.of(chunk, tokenizer, Collections.nCopies(texts.size(), Prompts.UNCONDITIONAL));
            return sampler.sample(network, start, text[0], text[1], empty[0], empty[1]);
        });

        float[] piped = Pipeline.latentsOnly(FlowModel.of(network, tokenizer, Role.TEACHER), sampler).latents(PROMPTS, SEEDS);

        assertThat(piped).containsExactly(byHand);
    }

    @Test
    void theStudentsPipelineGivesExactlyTheLatentsOfTheSamplerRunOverSeededBatchesByHand() {
        StudentSampler sampler = new StudentSampler(4, 0.5);
        float[] byHand = SeededBatches.sample(network.config().denoiser(), PROMPTS, SEEDS, manager, (chunk, start, texts, rngs) -> {
            NDArray[] text = PromptArrays.of(chunk, tokenizer, texts);
            return sampler.sample(network, start, text[0], text[1], rngs);
        });

        float[] piped = Pipeline.latentsOnly(FlowModel.of(network, tokenizer, Role.STUDENT), sampler).latents(PROMPTS, SEEDS);

        assertThat(piped).containsExactly(byHand);
    }

    @Test
    void samplesAreReproducibleAndEachDependsOnlyOnItsOwnPromptAndSeed() {
        Pipeline student = Pipeline.latentsOnly(FlowModel.of(network, tokenizer, Role.STUDENT), new StudentSampler(4));
        float[] both = student.latents(PROMPTS, SEEDS);
        float[] second = student.latents(PROMPTS.subList(1, 2), SEEDS.subList(1, 2));

        assertThat(student.latents(PROMPTS, SEEDS)).containsExactly(both);
        float[] secondInBoth = Arrays.copyOfRange(both, both.length / 2, both.length);
        for (int i = 0; i < second.length; i++) {   // the same up to the batch's float reduction order
            assertThat(secondInBoth[i]).isCloseTo(second[i], within(1e-4f));
        }
        assertThat(Pipeline.latentsOnly(student.model(), new StudentSampler(1)).latents(PROMPTS, SEEDS)).isNotEqualTo(both);
    }

    @Test
    void withoutFreshNoiseAStudentStepIsAnEulerStepOfTheUnguidedFlow() {
        FlowModel model = FlowModel.of(network, tokenizer, Role.STUDENT);
        float[] deterministic = Pipeline.latentsOnly(model, new StudentSampler(4, 0.0)).latents(PROMPTS, SEEDS);
        float[] euler = Pipeline.latentsOnly(model, new EulerSampler(4, 1.0, 1.0)).latents(PROMPTS, SEEDS);

        for (int i = 0; i < euler.length; i++) {
            assertThat(deterministic[i]).as("latent value %d", i).isCloseTo(euler[i], within(1e-4f));
        }
        assertThatThrownBy(() -> new StudentSampler(4, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eta");
    }

    @Test
    void imagesAreTheLatentsDecodedByTheAutoencoder() {
        Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
        autoencoder.initialize(manager, 3);
        Pipeline pipeline = new Pipeline(FlowModel.of(network, tokenizer, Role.TEACHER), new EulerSampler(2, 1.5, 1.0),
                autoencoder);

        float[] images = pipeline.images(PROMPTS, SEEDS);

        assertThat(images).containsExactly(autoencoder.decodeLatents(pipeline.latents(PROMPTS, SEEDS)));
        assertThat(images).hasSize(2 * pipeline.imageSize() * pipeline.imageSize());
        assertThatThrownBy(() -> Pipeline.latentsOnly(pipeline.model(), pipeline.sampler()).images(PROMPTS, SEEDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no autoencoder");
    }

    @Test
    void aLoadedStudentIsSampledAsItsManifestSaysAndASyntheticShardRoundTrips() throws Exception {
        Checkpoint teacherCheckpoint = FlowModelCheckpoint.teacher(network, tokenizer, 1.7, -0.1, null, 100, Map.of());
        Map<String, NDArray> weights = new java.util.LinkedHashMap<>();
        network.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
        Checkpoint studentCheckpoint = FlowModelCheckpoint.student(weights, teacherCheckpoint.manifest(), "t1", "run-1",
                20, Map.of(), 0.0);
        try (FlowModel student = FlowModelCheckpoint.load(studentCheckpoint, Role.STUDENT);
             FlowModel teacher = FlowModelCheckpoint.load(teacherCheckpoint, Role.TEACHER)) {
            assertThat(student.samplerEta()).isEqualTo(0.0);
            assertThat(teacher.samplerEta()).isEqualTo(StudentSampler.FRESH_NOISE);
            assertThat(Pipeline.latentsOnly(student, student.studentSampler(2)).latents(PROMPTS, SEEDS))
                    .containsExactly(Pipeline.latentsOnly(FlowModel.of(network, tokenizer, Role.STUDENT),
                            new StudentSampler(2, 0.0)).latents(PROMPTS, SEEDS));

            LatentShard shard = Pipeline.latentsOnly(teacher, new EulerSampler(2, 1.5f, 1.0))
                    .syntheticShard("t1", List.of("a photo of a ring", ""), List.of(7L, 8L));
            LatentShard read = LatentShard.fromSafetensors(shard.toSafetensors());
            assertThat(read.prompts()).containsExactly("a photo of a ring", "");
            assertThat(read.seeds()).containsExactly(7L, 8L);
            assertThat(read.samplerSteps()).isEqualTo(2);
            assertThat(read.cfgScale()).isEqualTo(1.5f);
            assertThat(read.shape()).containsExactly(4, 8, 8);
            assertThat(read.latents()).containsExactly(shard.latents());
            assertThatThrownBy(() -> Pipeline.latentsOnly(teacher, new StudentSampler(2)).syntheticShard("t1",
                    List.of("x"), List.of(1L))).isInstanceOf(IllegalStateException.class);
        }
    }
}
