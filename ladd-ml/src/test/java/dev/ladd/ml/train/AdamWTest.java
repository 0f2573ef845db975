package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    /** y = w·x with w = 1, x = 2, loss = y: g = 2 on the first step; PyTorch's AdamW moves w by exactly lr. */
    @Test
    void theFirstStepMatchesTheClosedForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(1).optBias(false).build();
            linear.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            AdamW adam = new AdamW(linear, 0.1f, 0.9f, 0.999f, 0.01f);

            backward(linear, manager);
            adam.step();

            float w = linear.getParameters().get("weight").getArray().getFloat();
            // decay: 1 − 0.1·0.01 = 0.999; Adam: m̂ = g, v̂ = g², step = lr · g/(|g| + ε) ≈ 0.1
            assertThat((double) w).isCloseTo(0.999 - 0.1, within(1e-6));
            assertThat(linear.getParameters().get("weight").getArray().getGradient().getFloat()).isZero();
        }
    }

    /** A schedule's new learning rate applies from the next step: the first Adam step then moves w by it. */
    @Test
    void aChangedLearningRateSetsTheNextStepsSize() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(1).optBias(false).build();
            linear.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            AdamW adam = new AdamW(linear, 0.1f, 0.9f, 0.999f, 0f);

            adam.setLearningRate(0.03f);
            backward(linear, manager);
            adam.step();

            assertThat((double) linear.getParameters().get("weight").getArray().getFloat()).isCloseTo(1 - 0.03, within(1e-6));
            assertThatThrownBy(() -> adam.setLearningRate(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRestoredStateContinuesExactlyLikeAnUninterruptedRun() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Linear a = Linear.builder().setUnits(2).build();
            a.setInitializer(new ConstantInitializer(0.5f), Parameter.Type.WEIGHT);
            a.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Linear b = Linear.builder().setUnits(2).build();
            b.setInitializer(new ConstantInitializer(0.5f), Parameter.Type.WEIGHT);
            b.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            AdamW first = new AdamW(a, 0.05f, 0.9f, 0.99f, 0f);
            for (int i = 0; i < 3; i++) {
                backward(a, manager);
                first.step();
            }
            // copy weights and optimizer state into b, as a resume from a checkpoint would
            a.getParameters().forEach(p -> b.getParameters().get(p.getKey()).getArray()
                    .set(p.getValue().getArray().toFloatArray()));
            Map<String, float[]> state = new HashMap<>();
            first.moments().forEach((k, v) -> state.put(k, v.toFloatArray()));
            AdamW resumed = new AdamW(b, 0.05f, 0.9f, 0.99f, 0f);
            resumed.restore(state, first.steps());

            backward(a, manager);
            first.step();
            backward(b, manager);
            resumed.step();

            assertThat(b.getParameters().get("weight").getArray().toFloatArray())
                    .containsExactly(a.getParameters().get("weight").getArray().toFloatArray());
        }
    }

    /** A training run of thousands of steps must not keep one temporary per parameter per step. */
    @Test
    void aStepLeavesNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(3).build();
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            AdamW adam = new AdamW(linear, 0.01f, 0.9f, 0.999f, 0.01f);
            try (NDManager step = manager.newSubManager()) {
                backward(linear, step);
            }
            adam.step();   // creates the moments
            int arrays = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();

            for (int i = 0; i < 5; i++) {
                try (NDManager step = manager.newSubManager()) {
                    backward(linear, step);
                }
                adam.step();
            }

            assertThat(((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays()).hasSize(arrays);
        }
    }

    /** A fresh thread starts with PyTorch's grad mode on; a step there must still update in place. */
    @Test
    void stepsWorkOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(1).optBias(false).build();
            linear.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            AdamW adam = new AdamW(linear, 0.1f, 0.9f, 0.999f, 0f);
            Throwable[] failure = new Throwable[1];
            Thread trainer = new Thread(() -> {
                try {
                    backward(linear, manager);
                    adam.step();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            trainer.start();
            trainer.join();

            assertThat(failure[0]).isNull();
            assertThat((double) linear.getParameters().get("weight").getArray().getFloat()).isCloseTo(0.9, within(1e-6));
        }
    }

    private static void backward(Linear linear, NDManager manager) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray y = linear.forward(new ParameterStore(manager, false), new NDList(manager.create(new float[][]{{2f}})), true)
                    .singletonOrThrow();
            collector.backward(y.sum());
        }
    }
}
