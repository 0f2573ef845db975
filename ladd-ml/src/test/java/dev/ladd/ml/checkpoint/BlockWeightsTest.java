package dev.ladd.ml.checkpoint;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockWeightsTest {

    private static final Shape INPUT = new Shape(3, 5);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Linear(5→hidden), ReLU, Linear(hidden→2): 34 parameters for hidden = 4. */
    private static Block mlp(int hidden) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(2).build());
    }

    private static Block initialized(Block block, NDManager manager, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        block.initialize(manager, DataType.FLOAT32, INPUT);
        return block;
    }

    private float[] output(Block block, NDArray input) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), false).singletonOrThrow().toFloatArray();
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> values = new HashMap<>();
        block.getParameters().forEach(p -> values.put(p.getKey(), p.getValue().getArray().toFloatArray()));
        return values;
    }

    /** Mean squared error written by hand: no multiplication by a Java Number (see DJL-NOTES). */
    private static final Loss MSE = new Loss("mse") {
        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray diff = predictions.singletonOrThrow().sub(labels.singletonOrThrow());
            return diff.mul(diff).mean();
        }
    };

    @Test
    void savedWeightsLoadIntoAFreshBlockAndGiveIdenticalOutputs() throws Exception {
        Block saved = initialized(mlp(4), manager, 1);
        Block fresh = initialized(mlp(4), manager, 2);
        NDArray input = manager.randomNormal(INPUT);
        assertThat(output(fresh, input)).isNotEqualTo(output(saved, input));

        byte[] bytes = BlockWeights.toSafetensors(saved, DType.F32, Map.of("kind", "test"));
        SafetensorsFile file = Safetensors.read(bytes);
        BlockWeights.load(fresh, file);
        System.gc(); // the loaded values must not depend on any Java buffer that the GC may free

        // DJL's hierarchical parameter names, sorted by the writer
        assertThat(file.tensors().keySet()).containsExactly("01Linear_bias", "01Linear_weight", "03Linear_bias", "03Linear_weight");
        assertThat(file.tensor("01Linear_weight").shape()).containsExactly(4, 5);
        assertThat(file.metadata()).containsEntry("kind", "test");
        assertThat(output(fresh, input)).containsExactly(output(saved, input));
        assertThat(BlockWeights.toSafetensors(fresh, DType.F32, Map.of("kind", "test"))).isEqualTo(bytes);
    }

    @Test
    void loadedParametersKeepTheirOwnStorageAndGradientFlag() throws Exception {
        Block saved = initialized(mlp(4), manager, 1);
        Block fresh = initialized(mlp(4), manager, 2);
        Map<String, NDArray> arraysBefore = new HashMap<>();
        fresh.getParameters().forEach(p -> arraysBefore.put(p.getKey(), p.getValue().getArray()));

        BlockWeights.load(fresh, Safetensors.read(BlockWeights.toSafetensors(saved, DType.F32, Map.of())));

        fresh.getParameters().forEach(p -> {
            NDArray array = p.getValue().getArray();
            assertThat(array).as(p.getKey()).isSameAs(arraysBefore.get(p.getKey()));
            assertThat(array.hasGradient()).as(p.getKey()).isTrue();
            // the values were copied inside PyTorch: no Java buffer is pinned to the parameter (as set(Buffer) would)
            assertThat(javaBufferPinnedTo(array)).as(p.getKey()).isNull();
        });
    }

    private static Object javaBufferPinnedTo(NDArray array) {
        try {
            var field = array.getClass().getDeclaredField("dataRef");
            field.setAccessible(true);
            return field.get(array);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("PtNDArray changed: re-verify how BlockWeights copies values", e);
        }
    }

    @Test
    void copyIntoHandlesScalarsAndOtherShapes() {
        for (Shape shape : List.of(new Shape(), new Shape(3), new Shape(2, 3, 4))) {
            NDArray target = manager.zeros(shape);
            float[] values = new float[(int) shape.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = i + 0.5f;
            }
            BlockWeights.copyInto(target, values);
            assertThat(target.toFloatArray()).as(shape.toString()).containsExactly(values);
        }
    }

    @Test
    void narrowedDtypesLoadWithinTheirRounding() throws Exception {
        Block saved = initialized(mlp(4), manager, 1);
        Block fresh = initialized(mlp(4), manager, 2);

        BlockWeights.load(fresh, Safetensors.read(BlockWeights.toSafetensors(saved, DType.F16, Map.of())));

        Map<String, float[]> expected = values(saved);
        values(fresh).forEach((name, actual) -> {
            for (int i = 0; i < actual.length; i++) {
                assertThat(actual[i]).isEqualTo(FloatFormats.halfToFloat(FloatFormats.floatToHalf(expected.get(name)[i])));
            }
        });
    }

    @Test
    void refusesADifferentShapeNamingTheParameterAndBothShapes() throws Exception {
        SafetensorsFile wide = Safetensors.read(BlockWeights.toSafetensors(initialized(mlp(6), manager, 1), DType.F32, Map.of()));
        Block narrow = initialized(mlp(4), manager, 2);
        Map<String, float[]> before = values(narrow);

        assertThatThrownBy(() -> BlockWeights.load(narrow, wide))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("01Linear_weight: block [4, 5], file [6, 5]")
                .hasMessageContaining("01Linear_bias: block [4], file [6]")
                .hasMessageContaining("03Linear_weight: block [2, 4], file [2, 6]");
        assertThat(values(narrow)).as("nothing loaded").allSatisfy((name, v) -> assertThat(v).containsExactly(before.get(name)));
    }

    @Test
    void refusesMissingAndUnexpectedTensors() throws Exception {
        SafetensorsFile full = Safetensors.read(BlockWeights.toSafetensors(initialized(mlp(4), manager, 1), DType.F32, Map.of()));
        Map<String, SafetensorsTensor> tensors = new HashMap<>(full.tensors());
        tensors.remove("03Linear_bias");
        tensors.put("04Linear_weight", SafetensorsTensor.f32("04Linear_weight", new long[]{1}, new float[]{1f}));
        Block block = initialized(mlp(4), manager, 2);

        assertThatThrownBy(() -> BlockWeights.load(block, new SafetensorsFile(tensors, Map.of())))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("missing in the file: [03Linear_bias]")
                .hasMessageContaining("unexpected tensors (no such parameter): [04Linear_weight]")
                .satisfies(e -> {
                    CheckpointMismatchException mismatch = (CheckpointMismatchException) e;
                    assertThat(mismatch.missing()).containsExactly("03Linear_bias");
                    assertThat(mismatch.unexpected()).containsExactly("04Linear_weight");
                });
    }

    @Test
    void refusesAnUninitializedBlock() {
        assertThatThrownBy(() -> BlockWeights.toSafetensors(mlp(4), DType.F32, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("01Linear_weight is not initialized");
    }

    @Test
    void aTrainerCreatedAfterLoadingTrainsTheLoadedWeights() throws Exception {
        Block saved = initialized(mlp(4), manager, 1);
        SafetensorsFile file = Safetensors.read(BlockWeights.toSafetensors(saved, DType.F32, Map.of()));
        float[] savedOutput = output(saved, manager.ones(INPUT));

        try (Model model = Model.newInstance("student")) {
            Block block = initialized(mlp(4), model.getNDManager(), 2);
            BlockWeights.load(block, file);
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(MSE)
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                Map<String, float[]> loaded = values(block);
                assertThat(loaded).as("trainer.initialize keeps the loaded values")
                        .allSatisfy((name, v) -> assertThat(v).containsExactly(file.tensor(name).values()));

                try (NDManager step = trainer.getManager().newSubManager();
                     GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray input = step.ones(INPUT);
                    NDArray prediction = trainer.forward(new NDList(input)).singletonOrThrow();
                    assertThat(prediction.toFloatArray()).containsExactly(savedOutput);
                    NDArray loss = prediction.sum();
                    System.gc();
                    collector.backward(loss);
                    // d(sum of outputs)/d(last bias) is the batch size for each output unit
                    assertThat(block.getParameters().get("03Linear_bias").getArray().getGradient().toFloatArray())
                            .containsExactly(3f, 3f);
                }
                trainer.step();

                assertThat(values(block)).allSatisfy((name, v) -> assertThat(v).as(name).isNotEqualTo(loaded.get(name)));
            }
        }
    }

    @Test
    void loadingIntoABlockThatAlreadyHasATrainerAlsoTrains() throws Exception {
        Block saved = initialized(mlp(4), manager, 1);
        SafetensorsFile file = Safetensors.read(BlockWeights.toSafetensors(saved, DType.F32, Map.of()));
        float[] savedOutput = output(saved, manager.ones(INPUT));

        try (Model model = Model.newInstance("student")) {
            model.setBlock(initialized(mlp(4), model.getNDManager(), 2));
            DefaultTrainingConfig config = new DefaultTrainingConfig(MSE)
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                BlockWeights.load(model.getBlock(), file);

                try (NDManager step = trainer.getManager().newSubManager();
                     GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray prediction = trainer.forward(new NDList(step.ones(INPUT))).singletonOrThrow();
                    assertThat(prediction.toFloatArray()).containsExactly(savedOutput);
                    collector.backward(prediction.sum());
                }
                trainer.step();

                assertThat(values(model.getBlock())).allSatisfy((name, v) ->
                        assertThat(v).as(name).isNotEqualTo(file.tensor(name).values()));
            }
        }
    }
}
