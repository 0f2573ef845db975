package dev.ladd.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for the DJL bug that corrupts gradients when an NDArray is multiplied by a Java
 * number and the GC runs between forward and backward. With {@link Scalars} the gradient must be exact
 * even with a forced GC in between.
 */
class ScalarsGradientTest {

    @RepeatedTest(20)
    void gradientThroughAScalarMultiplicationSurvivesAGarbageCollection() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[]{1f, -2f, 3f, 0.5f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // loss = sum((3.5 * x) / 2 * x) = 1.75 * sum(x^2)  →  d loss / dx = 3.5 * x
                NDArray y = Scalars.div(Scalars.mul(x, 3.5), 2.0).mul(x).sum();
                churnTheHeap();
                collector.backward(y);
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(3.5f, -7f, 10.5f, 1.75f);
        }
    }

    private static void churnTheHeap() {
        byte[][] garbage = new byte[256][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[16 * 1024];
        }
        System.gc();
        System.runFinalization();
        System.gc();
    }
}
