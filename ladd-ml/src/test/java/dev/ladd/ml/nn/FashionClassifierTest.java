package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.ladd.ml.diffusion.RectifiedFlow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FashionClassifierTest {

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

    FashionClassifier model(FashionClassifierConfig config, long seed) {
        FashionClassifier model = new FashionClassifier(config);
        model.initialize(manager, seed);
        return model;
    }

    @Test
    void theFashionMnistModelMaps32x32ImagesTo64FeaturesAnd10Logits() {
        FashionClassifier model = model(FashionClassifierConfig.fashionMnist(), 1);
        NDArray images = RectifiedFlow.gaussian(manager, new Shape(3, 1, 32, 32), new Random(2));

        NDArray features = model.features(ps, images, false);
        NDArray logits = model.logits(ps, images, false);

        assertThat(features.getShape()).isEqualTo(new Shape(3, 64));
        assertThat(features.min().getFloat()).isGreaterThanOrEqualTo(-0.2785f); // SiLU's minimum, x·σ(x) at x ≈ −1.28
        assertThat(logits.getShape()).isEqualTo(new Shape(3, 10));
        assertThat(model.logitsOf(ps, features, false).toFloatArray()).containsExactly(logits.toFloatArray());
        // convs 160 + 4,640 + 18,496; features 1,024·64 + 64; head 64·10 + 10
        assertThat(model.parameterCount()).isEqualTo(23_296 + 65_600 + 650);
        assertThat(FashionClassifierConfig.fashionMnist().flattenedWidth()).isEqualTo(1024);
    }

    @Test
    void initializationIsReproducibleFromASeed() {
        FashionClassifier a = model(FashionClassifierConfig.tiny(), 3);
        FashionClassifier b = model(FashionClassifierConfig.tiny(), 3);
        FashionClassifier c = model(FashionClassifierConfig.tiny(), 4);

        boolean anyDifferent = false;
        for (Pair<String, Parameter> p : a.getParameters()) {
            float[] values = p.getValue().getArray().toFloatArray();
            assertThat(b.getParameters().get(p.getKey()).getArray().toFloatArray()).as(p.getKey()).containsExactly(values);
            anyDifferent |= !java.util.Arrays.equals(values, c.getParameters().get(p.getKey()).getArray().toFloatArray());
            if (p.getKey().endsWith("bias")) {
                assertThat(p.getValue().getArray().abs().max().getFloat()).as(p.getKey()).isZero();
            }
        }
        assertThat(anyDifferent).isTrue();
    }

    @Test
    void refusesImagesOfAnotherSizeAndConfigsThatDoNotDivide() {
        FashionClassifier model = model(FashionClassifierConfig.tiny(), 1);

        assertThatThrownBy(() -> model.features(ps, manager.zeros(new Shape(2, 1, 28, 28)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paddedTo32");
        assertThatThrownBy(() -> new FashionClassifierConfig(1, 28, 16, 3, 64, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisible by 2^3");
        assertThatThrownBy(() -> new FashionClassifierConfig(1, 32, 16, 3, 64, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FashionClassifier(FashionClassifierConfig.tiny()).manager())
                .isInstanceOf(IllegalStateException.class);
    }
}
