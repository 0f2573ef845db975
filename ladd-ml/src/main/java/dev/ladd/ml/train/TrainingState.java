package dev.ladd.ml.train;

import ai.djl.nn.Block;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import dev.ladd.ml.checkpoint.StateTensors;

import java.util.ArrayList;
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
        List<SafetensorsTensor> tensors = new ArrayList<>(StateTensors.of("model/", model));
        tensors.addAll(StateTensors.of("optim/", optimizer.moments()));
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
        BlockWeights.load(model, StateTensors.section(state, "model/"));
        optimizer.restore(StateTensors.values(state, "optim/"), StateTensors.number(state, OPTIMIZER_STEPS));
        return StateTensors.number(state, STEP);
    }
}
