package dev.ladd.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections of a training state file: several blocks' weights and arrays (optimizer moments, an EMA)
 * in one safetensors file, each under its own name prefix ({@code model/…}, {@code optim/m/…}), all F32, exact.
 */
public final class StateTensors {

    private StateTensors() {
    }

    /** A block's parameters, named {@code prefix + parameter}. */
    public static List<SafetensorsTensor> of(String prefix, Block block) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        BlockWeights.snapshot(block, DType.F32, Map.of()).tensors().values()
                .forEach(t -> tensors.add(SafetensorsTensor.f32(prefix + t.name(), t.shape(), t.values())));
        return tensors;
    }

    /** Arrays by name (optimizer moments, averaged weights), named {@code prefix + name}. */
    public static List<SafetensorsTensor> of(String prefix, Map<String, NDArray> arrays) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        arrays.forEach((name, a) -> tensors.add(SafetensorsTensor.f32(prefix + name, a.getShape().getShape(), a.toFloatArray())));
        return tensors;
    }

    /** The tensors under {@code prefix}, with the prefix taken off (to load into a block). */
    public static SafetensorsFile section(SafetensorsFile state, String prefix) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        state.tensors().values().stream().filter(t -> t.name().startsWith(prefix)).forEach(t ->
                tensors.add(new SafetensorsTensor(t.name().substring(prefix.length()), t.dtype(), t.shape(), t.values())));
        return SafetensorsFile.of(tensors, Map.of());
    }

    /** The values under {@code prefix} by name without the prefix (to restore an optimizer or an EMA). */
    public static Map<String, float[]> values(SafetensorsFile state, String prefix) {
        Map<String, float[]> values = new HashMap<>();
        state.tensors().values().stream().filter(t -> t.name().startsWith(prefix))
                .forEach(t -> values.put(t.name().substring(prefix.length()), t.values()));
        return values;
    }

    /** A whole number from the metadata; an {@link IllegalArgumentException} naming the key if it is missing. */
    public static long number(SafetensorsFile state, String key) {
        String value = state.metadata().get(key);
        if (value == null) {
            throw new IllegalArgumentException("training state has no '" + key + "' in its metadata");
        }
        return Long.parseLong(value);
    }
}
