package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training loop needs to continue exactly where it stopped, as ONE safetensors file:
 * the model's weights under {@code model/…}, the optimizer's moments under {@code optim/…}, and in the
 * metadata the step and the optimizer's step count. Loops derive every step's randomness from
 * (seed, step), so no RNG state needs saving.
 */
public final class TrainingState {

    public static final String STEP = "step";
    public static final String OPTIMIZER_STEPS = "optimizer_steps";

    private TrainingState() {
    }

    public static SafetensorsFile capture(Block model, AdamW optimizer, long step, Map<String, String> metadata) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        BlockWeights.snapshot(model, DType.F32, Map.of()).tensors().values()
                .forEach(t -> tensors.add(new SafetensorsTensor("model/" + t.name(), t.dtype(), t.shape(), t.values())));
        for (Map.Entry<String, NDArray> moment : optimizer.moments().entrySet()) {
            NDArray value = moment.getValue();
            tensors.add(SafetensorsTensor.f32("optim/" + moment.getKey(), value.getShape().getShape(), value.toFloatArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(STEP, Long.toString(step));
        meta.put(OPTIMIZER_STEPS, Long.toString(optimizer.steps()));
        return SafetensorsFile.of(tensors, meta);
    }

    /**
     * Loads weights and optimizer state saved by {@link #capture}; returns the step to continue from.
     *
     * @throws CheckpointMismatchException if the weights do not fit the model
     */
    public static long restore(Block model, AdamW optimizer, SafetensorsFile state) throws CheckpointMismatchException {
        List<SafetensorsTensor> weights = new ArrayList<>();
        Map<String, float[]> moments = new HashMap<>();
        for (SafetensorsTensor t : state.tensors().values()) {
            if (t.name().startsWith("model/")) {
                weights.add(new SafetensorsTensor(t.name().substring("model/".length()), t.dtype(), t.shape(), t.values()));
            } else if (t.name().startsWith("optim/")) {
                moments.put(t.name().substring("optim/".length()), t.values());
            }
        }
        BlockWeights.load(model, SafetensorsFile.of(weights, Map.of()));
        optimizer.restore(moments, Long.parseLong(required(state, OPTIMIZER_STEPS)));
        return Long.parseLong(required(state, STEP));
    }

    private static String required(SafetensorsFile state, String key) {
        String value = state.metadata().get(key);
        if (value == null) {
            throw new IllegalArgumentException("training state has no '" + key + "' in its metadata");
        }
        return value;
    }
}
