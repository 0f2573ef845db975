package dev.ladd.ml.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file: its stored dtype, its shape and its values widened to float32
 * (row-major). On write, {@code dtype} is the dtype the values are narrowed to. The shape is copied; the
 * values array is not (weights are large): do not modify it after handing it over.
 */
public record SafetensorsTensor(String name, DType dtype, long[] shape, float[] values) {

    public SafetensorsTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        if (name.isEmpty() || name.equals(Safetensors.METADATA_KEY)) {
            throw new IllegalArgumentException("a tensor cannot be named '" + name + "'");
        }
        shape = shape.clone();
        long elements = elementCount(shape);
        if (elements != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape) + " ("
                    + elements + " elements) but " + values.length + " values");
        }
    }

    /** A float32 tensor. */
    public static SafetensorsTensor f32(String name, long[] shape, float[] values) {
        return new SafetensorsTensor(name, DType.F32, shape, values);
    }

    /** The number of elements of {@code shape}; refuses negative dimensions and overflow. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension " + dim + " in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes this tensor takes in the data section. */
    public long byteLength() {
        return (long) values.length * dtype.sizeBytes();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SafetensorsTensor that
                && name.equals(that.name) && dtype == that.dtype
                && Arrays.equals(shape, that.shape) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "SafetensorsTensor[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
