package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.diffusion.RectifiedFlow;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LaddLossesTest {

    @Test
    void hingeLossesOnHandMadeLogitsAreTheMeanOverHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            // head 1: relu(1 − real) = {0, .5, 2} → 5/6; relu(1 + fake) = {0, 1, 2} → 1
            // head 2: relu(1 − real) = {0, 0, 0} → 0;    relu(1 + fake) = {0, 0, 3} → 1
            var real = List.of(m.create(new float[]{2f, 0.5f, -1f}), m.create(new float[]{1f, 3f, 5f}));
            var fake = List.of(m.create(new float[]{-2f, 0f, 1f}), m.create(new float[]{-1f, -4f, 2f}));
            assertThat(LaddLosses.discriminatorHinge(real, fake).getFloat())
                    .isCloseTo((float) ((5.0 / 6 + 1 + 0 + 1) / 2), within(1e-6f));
            // generator: −mean(fake) per head: −(−1/3) and −(−1)
            assertThat(LaddLosses.generatorHinge(fake).getFloat()).isCloseTo((float) ((1.0 / 3 + 1) / 2), within(1e-6f));
            assertThat(LaddLosses.meanLogit(real)).isCloseTo((0.5 + 3) / 2, within(1e-6));
        }
    }

    @Test
    void softplusLossesOnHandMadeLogitsAreTheMeanOverHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            var real = List.of(m.create(new float[]{0f, 2f}));
            var fake = List.of(m.create(new float[]{0f, -1f}));
            double sp0 = Math.log(2);
            // L_D = mean(softplus(−real)) + mean(softplus(fake)); L_G = mean(softplus(−fake))
            double d = (sp0 + Math.log1p(Math.exp(-2))) / 2 + (sp0 + Math.log1p(Math.exp(-1))) / 2;
            double g = (sp0 + Math.log1p(Math.exp(1))) / 2;
            assertThat(LaddLosses.discriminator(LaddConfig.AdversarialLoss.SOFTPLUS, real, fake).getFloat())
                    .isCloseTo((float) d, within(1e-6f));
            assertThat(LaddLosses.generator(LaddConfig.AdversarialLoss.SOFTPLUS, fake).getFloat())
                    .isCloseTo((float) g, within(1e-6f));
            assertThat(LaddLosses.generator(LaddConfig.AdversarialLoss.HINGE, fake).getFloat()).isCloseTo(0.5f, within(1e-6f));
        }
    }

    @Test
    void aConfidentDiscriminatorHasZeroHingeLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            var real = List.of(m.create(new float[]{1f, 4f}));
            var fake = List.of(m.create(new float[]{-1f, -9f}));
            assertThat(LaddLosses.discriminatorHinge(real, fake).getFloat()).isZero();
        }
    }

    @Test
    void finiteDifferenceR1AndDistillationOnHandMadeValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            var logits = List.of(m.create(new float[]{0f, 1f}));
            var perturbed = List.of(m.create(new float[]{0.02f, 0.96f}));   // differences .02 and −.04, σ = .1
            assertThat(LaddLosses.approximateR1(logits, perturbed, 0.1).getFloat())
                    .isCloseTo((float) ((0.0004 + 0.0016) / 2 / 0.01), within(1e-5f));
            assertThat(LaddLosses.distillation(m.create(new float[]{1f, 2f}), m.create(new float[]{0f, 4f})).getFloat())
                    .isCloseTo(2.5f, within(1e-6f));
        }
    }

    @Test
    void reNoisingLevelsFollowTheLogitNormalLaw() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 40_000;
            float[] t = RectifiedFlow.logitNormal(m, n, 1.0, 1.0, new Random(9)).toFloatArray();
            double[] logits = new double[n];
            for (int i = 0; i < n; i++) {
                logits[i] = Math.log(t[i] / (1 - t[i]));
            }
            double mean = Arrays.stream(logits).average().orElseThrow();
            double variance = Arrays.stream(logits).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
            assertThat(mean).isCloseTo(1.0, within(0.02));
            assertThat(Math.sqrt(variance)).isCloseTo(1.0, within(0.02));
            float[] sorted = t.clone();
            Arrays.sort(sorted);
            // quantiles of σ(1 + z): q10 = σ(1 − 1.2816), median = σ(1), q90 = σ(1 + 1.2816)
            assertThat((double) sorted[n / 10]).isCloseTo(sigmoid(1 - 1.28155), within(0.01));
            assertThat((double) sorted[n / 2]).isCloseTo(sigmoid(1), within(0.01));
            assertThat((double) sorted[9 * n / 10]).isCloseTo(sigmoid(1 + 1.28155), within(0.01));
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
