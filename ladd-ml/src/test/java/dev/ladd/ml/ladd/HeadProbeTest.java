package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.djl.KernelSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("conv-training")
class HeadProbeTest {

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
    void freshHeadsLearnToTellAnUntrainedStudentFromTheRealLatentsAtLowNoiseAndTheStudentStaysFrozen() throws Exception {
        LaddConfig config = TinyLadd.config().toBuilder().headLearningRate(3e-3f).sharedRenoise(true)
                .renoiseMean(-1.0).build();
        LaddTraining run = TinyLadd.training(manager, config);
        HeadProbe probe = HeadProbe.of(run, config, manager);
        float[] student = TinyLadd.weights(run.student());
        LaddBatch heldOut = offset(TinyLadd.batch(6, 99));

        double[][] before = probe.accuracy(manager, heldOut, 4, 1);
        for (int i = 0; i < 40; i++) {
            probe.trainHeads(manager, offset(TinyLadd.batch(6, i % 5)));
        }
        double[][] after = probe.accuracy(manager, heldOut, 4, 1);

        assertThat(after).hasDimensions(4, run.blocks().length + 1);
        assertThat(after[0][after[0].length - 1]).isGreaterThan(before[0][before[0].length - 1]).isGreaterThanOrEqualTo(0.75);
        assertThat(TinyLadd.weights(run.student())).isEqualTo(student);
        assertThat(probe.accuracy(manager, heldOut, 4, 1)).isDeepEqualTo(after);
    }

    /**
     * Real latents a tiny random student cannot make: its x̂₀ from (mostly) pure noise is noise-like, so real latents
     * that are unit Gaussians too would be indistinguishable; these sit at +2.
     */
    private static LaddBatch offset(LaddBatch batch) {
        float[] latents = batch.latents().clone();
        for (int i = 0; i < latents.length; i++) {
            latents[i] += 2;
        }
        return new LaddBatch(latents, batch.shape(), batch.prompts(), batch.seeds());
    }

    @Test
    void wrongPromptsNameAnotherClassOfTheBatch() {
        LaddBatch batch = new LaddBatch(new float[3 * 4], new long[]{1, 2, 2},
                List.of("a photo of a shirt", "a photo of a shirt", "a sneaker"), List.of(1L, 2L, 3L));

        assertThat(batch.wrongPrompts()).containsExactly("a sneaker", "a sneaker", "a photo of a shirt");
    }
}
