package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

import java.util.Random;

/**
 * He / Kaiming uniform initialization with gain √2 (PyTorch's {@code kaiming_uniform_(w, nonlinearity="relu")}):
 * w ~ U(−√(6 / fanIn), √(6 / fanIn)), fanIn = size / shape[0] (in·kh·kw for a conv weight [out, in, kh, kw]).
 * Values come from a {@link Random}, so an initialization is reproducible from a seed on any engine; the
 * parameters are initialized in a fixed order, so one generator serves a whole network. The returned
 * array is a PyTorch-owned copy (no Java buffer behind a trainable parameter).
 */
final class KaimingUniform implements Initializer {

    private final Random rng;

    KaimingUniform(Random rng) {
        this.rng = rng;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long size = shape.size();
        long fanIn = shape.dimension() > 1 ? size / shape.get(0) : size;
        double bound = Math.sqrt(6.0 / Math.max(1, fanIn));
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray source = scratch.create(values, shape);
            NDArray owned = (dataType == DataType.FLOAT32 ? source : source.toType(dataType, false)).duplicate();
            owned.attach(manager);
            return owned;
        }
    }
}
