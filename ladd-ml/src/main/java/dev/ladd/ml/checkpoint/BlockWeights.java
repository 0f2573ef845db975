package dev.ladd.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a DJL block's parameters as safetensors and loads them back, by DJL's hierarchical parameter
 * names ({@code 01Linear_weight}, …).
 *
 * <p>Loading copies the values into each parameter's existing array, inside PyTorch: the file's values
 * become a tensor of the parameter's manager, which is copied over the whole parameter with a full-slice
 * {@code set(new NDIndex("..."), source)} (a native {@code index_put_}) while the parameter does not
 * require a gradient, then closed. The parameter keeps its own PyTorch-owned storage (no alias of a Java
 * buffer, unlike {@code NDArray.set(Buffer)} and {@code copyTo}), its identity and its gradient flag, so
 * a trainer created afterwards — or already created — trains the loaded values.
 */
public final class BlockWeights {

    private BlockWeights() {
    }

    /** The block's parameters as safetensors tensors of {@code dtype}, in DJL's parameter order. */
    public static SafetensorsFile snapshot(Block block, DType dtype, Map<String, String> metadata) {
        List<SafetensorsTensor> tensors = new ArrayList<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            NDArray array = initialized(entry.getKey(), entry.getValue());
            float[] values;
            if (array.getDataType() == DataType.FLOAT32) {
                values = array.toFloatArray();
            } else {
                try (NDArray widened = array.toType(DataType.FLOAT32, true)) {
                    values = widened.toFloatArray();
                }
            }
            tensors.add(new SafetensorsTensor(entry.getKey(), dtype, array.getShape().getShape(), values));
        }
        return SafetensorsFile.of(tensors, metadata);
    }

    /** The safetensors bytes of the block's parameters, narrowed to {@code dtype}. */
    public static byte[] toSafetensors(Block block, DType dtype, Map<String, String> metadata) {
        return Safetensors.toBytes(snapshot(block, dtype, metadata));
    }

    /**
     * Sets every parameter of the (initialized) block to the file's tensor of the same name. Refuses, before
     * changing anything, a file that lacks a parameter, has a tensor that is no parameter, or differs in a shape.
     */
    public static void load(Block block, SafetensorsFile file) throws CheckpointMismatchException {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            parameters.put(entry.getKey(), entry.getValue());
        }
        checkFits(parameters, file);
        parameters.forEach((name, parameter) ->
                copyInto(initialized(name, parameter), file.tensors().get(name).values()));
    }

    private static void checkFits(Map<String, Parameter> parameters, SafetensorsFile file) throws CheckpointMismatchException {
        List<String> missing = new ArrayList<>();
        List<String> shapeMismatches = new ArrayList<>();
        parameters.forEach((name, parameter) -> {
            SafetensorsTensor tensor = file.tensors().get(name);
            if (tensor == null) {
                missing.add(name);
                return;
            }
            long[] expected = initialized(name, parameter).getShape().getShape();
            if (!Arrays.equals(expected, tensor.shape())) {
                shapeMismatches.add(name + ": block " + Arrays.toString(expected) + ", file " + Arrays.toString(tensor.shape()));
            }
        });
        List<String> unexpected = file.tensors().keySet().stream().filter(name -> !parameters.containsKey(name)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !shapeMismatches.isEmpty()) {
            throw new CheckpointMismatchException(missing, unexpected, shapeMismatches);
        }
    }

    /**
     * Copies {@code values} over {@code target} inside PyTorch, keeping the target's storage, identity and
     * gradient flag. The source tensor (which may alias a Java buffer) lives only for the copy.
     */
    static void copyInto(NDArray target, float[] values) {
        NDManager manager = target.getManager();
        boolean requiresGradient = target.hasGradient();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray source = scratch.create(values, target.getShape());
            if (target.getDataType() != DataType.FLOAT32) {
                source = source.toType(target.getDataType(), false);
            }
            if (requiresGradient) {
                target.setRequiresGradient(false);
            }
            try {
                target.set(new NDIndex("..."), source);
            } finally {
                if (requiresGradient) {
                    target.setRequiresGradient(true);
                }
            }
        }
    }

    private static NDArray initialized(String name, Parameter parameter) {
        if (!parameter.isInitialized() || parameter.getArray() == null) {
            throw new IllegalStateException("parameter " + name + " is not initialized: initialize the block "
                    + "(block.initialize(manager, dataType, inputShapes)) before saving or loading its weights");
        }
        return parameter.getArray();
    }

    /** Lowercase hex SHA-256 of {@code bytes}, as a manifest's weightsSha256. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
