package dev.ladd.ml.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.ladd.ml.diffusion.RectifiedFlow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AutoencoderTest {

    NDManager manager;
    ParameterStore ps;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    Autoencoder model(AutoencoderConfig config, long seed) {
        Autoencoder model = new Autoencoder(config);
        model.initialize(manager, seed);
        return model;
    }

    @Test
    void theFashionMnistModelEncodes32x32ImagesToA4x8x8LatentAndDecodesBack() {
        Autoencoder model = model(AutoencoderConfig.fashionMnist(), 1);
        NDArray images = RectifiedFlow.gaussian(manager, new Shape(3, 1, 32, 32), new Random(2));

        NDList posterior = model.encode(ps, images, false);
        NDArray decoded = model.decode(ps, posterior.get(0), false);

        assertThat(posterior).hasSize(2);
        assertThat(posterior.get(0).getShape()).isEqualTo(new Shape(3, 4, 8, 8));
        assertThat(posterior.get(1).getShape()).isEqualTo(new Shape(3, 4, 8, 8));
        assertThat(decoded.getShape()).isEqualTo(new Shape(3, 1, 32, 32));
        assertThat(model.latentShape(3)).isEqualTo(new Shape(3, 4, 8, 8));
        assertThat(model.reconstruct(ps, images, false).toFloatArray()).containsExactly(decoded.toFloatArray());
        assertThat(model.parameterCount()).isEqualTo(974_217);
    }

    @Test
    void theTinyModelHasTheSameShapesWithAboutSixteenThousandParameters() {
        Autoencoder model = model(AutoencoderConfig.tiny(), 1);
        NDArray images = RectifiedFlow.gaussian(manager, new Shape(2, 1, 32, 32), new Random(2));

        NDList posterior = model.encode(ps, images, false);

        assertThat(posterior.get(0).getShape()).isEqualTo(new Shape(2, 4, 8, 8));
        assertThat(model.decode(ps, posterior.get(0), false).getShape()).isEqualTo(new Shape(2, 1, 32, 32));
        assertThat(model.parameterCount()).isEqualTo(16_953);
        assertThatThrownBy(() -> model.encode(ps, manager.zeros(new Shape(2, 1, 30, 30)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisible by 4");
        assertThatThrownBy(() -> model.decode(ps, manager.zeros(new Shape(2, 3, 8, 8)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, 4, h, w]");
    }

    @Test
    void initializationIsReproducibleFromASeedAndEveryResidualBlockStartsAsTheIdentity() {
        Autoencoder a = model(AutoencoderConfig.tiny(), 3);
        Autoencoder b = model(AutoencoderConfig.tiny(), 3);
        Autoencoder c = model(AutoencoderConfig.tiny(), 4);

        boolean anyDifferent = false;
        int zeroConvs = 0;
        for (Pair<String, Parameter> p : a.getParameters()) {
            float[] values = p.getValue().getArray().toFloatArray();
            assertThat(b.getParameters().get(p.getKey()).getArray().toFloatArray()).as(p.getKey()).containsExactly(values);
            anyDifferent |= !java.util.Arrays.equals(values, c.getParameters().get(p.getKey()).getArray().toFloatArray());
            if (p.getKey().endsWith("weight") && p.getKey().contains("conv2")) {
                assertThat(p.getValue().getArray().abs().max().getFloat()).as(p.getKey()).isZero();
                zeroConvs++;
            } else if (p.getKey().endsWith("weight")) {
                // He uniform: |w| ≤ √(6 / fanIn), and not all zero
                Shape shape = p.getValue().getArray().getShape();
                double bound = Math.sqrt(6.0 / (shape.size() / shape.get(0)));
                float max = p.getValue().getArray().abs().max().getFloat();
                assertThat((double) max).as(p.getKey()).isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
            } else {
                assertThat(p.getValue().getArray().abs().max().getFloat()).as(p.getKey()).isZero();
            }
        }
        assertThat(anyDifferent).isTrue();
        assertThat(zeroConvs).isEqualTo(6); // encoder res0, res1, middle; decoder middle, res1, res0
    }

    @Test
    void upsamplingRepeatsEachPixelAlongHeightAndWidth() {
        NDArray x = manager.create(new float[]{1, 2, 3, 4}, new Shape(1, 1, 2, 2));

        NDArray up = Autoencoder.upsample(x);

        assertThat(up.getShape()).isEqualTo(new Shape(1, 1, 4, 4));
        assertThat(up.toFloatArray()).containsExactly(
                1, 1, 2, 2,
                1, 1, 2, 2,
                3, 3, 4, 4,
                3, 3, 4, 4);
    }

    /** The clamp uses PyTorch-owned scalars: its gradient is 1 inside the bounds and 0 outside, even after a GC. */
    @Test
    void theLogVarianceIsClampedAndItsGradientSurvivesAGarbageCollection() {
        NDArray x = manager.create(new float[]{-100, -30.5f, -3, 0, 7, 19.5f, 25, 1e4f});
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray clamped = Autoencoder.clampLogVariance(x);
            assertThat(clamped.toFloatArray()).containsExactly(-30, -30, -3, 0, 7, 19.5f, 20, 20);
            NDArray weights = manager.create(new float[]{1, 2, 3, 4, 5, 6, 7, 8});
            NDArray loss = clamped.mul(weights).sum();
            System.gc();
            collector.backward(loss);
        }
        assertThat(x.getGradient().toFloatArray()).containsExactly(0, 0, 3, 4, 5, 6, 0, 0);
    }

    @Test
    void aSampleIsTheMeanPlusTheStandardDeviationTimesTheNoise() {
        NDArray mean = manager.create(new float[]{1, -2});
        NDArray logVariance = manager.create(new float[]{0, (float) Math.log(4)});
        NDArray noise = manager.create(new float[]{0.5f, -1});

        assertThat(Autoencoder.sample(mean, logVariance, noise).toFloatArray())
                .usingComparatorWithPrecision(1e-6f).containsExactly(1.5f, -4f);
    }

    @Test
    void theLatentNormalizationShiftsThenScalesAndInvertsExactlyEnough() {
        Autoencoder model = model(AutoencoderConfig.tiny(), 1);
        NDArray mean = manager.create(new float[]{0.3f, 1.3f, -0.7f});
        assertThat(model.latentNormalization()).isEqualTo(LatentNormalization.IDENTITY);
        assertThat(model.toLatent(mean).toFloatArray()).containsExactly(mean.toFloatArray());

        model.setLatentNormalization(new LatentNormalization(0.3, 2.5));
        NDArray z = model.toLatent(mean);

        assertThat(z.toFloatArray()).usingComparatorWithPrecision(1e-6f).containsExactly(0f, 2.5f, -2.5f);
        assertThat(model.fromLatent(z).toFloatArray()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(mean.toFloatArray());
        assertThatThrownBy(() -> new LatentNormalization(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatentNormalization(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConfigRefusesShapesThatDoNotDivide() {
        AutoencoderConfig config = AutoencoderConfig.fashionMnist();
        assertThat(config.latentSize()).isEqualTo(8);
        assertThat(config.channelsAt(0)).isEqualTo(32);
        assertThat(config.channelsAt(2)).isEqualTo(128);
        assertThatThrownBy(() -> new AutoencoderConfig(1, 30, 4, 32, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisible by 2^2");
        assertThatThrownBy(() -> new AutoencoderConfig(1, 32, 0, 32, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AutoencoderConfig(1, 32, 4, 32, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.channelsAt(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
