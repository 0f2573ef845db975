package dev.ladd.ml.metrics;

import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;

import java.util.Arrays;
import java.util.List;

/**
 * Double-precision values in safetensors files of F32 tensors (the project's safetensors code reads and
 * writes F32/F16/BF16): each value x is stored as the float pair
 * <pre>
 *   name    = hi = (float) x
 *   name.lo = lo = (float) (x − hi)          x ≈ hi + lo, to about 2⁻⁴⁸ relative
 * </pre>
 * so that any reader of F32 gets the value to float precision from {@code name} alone, and this class
 * gets it back to 48 bits — enough that FID computed from stored statistics equals FID computed from the
 * fitted ones to ≈ 10⁻¹³ relative.
 */
final class DoubleTensors {

    static final String LOW_SUFFIX = ".lo";

    private DoubleTensors() {
    }

    /** The two F32 tensors (hi, lo) of {@code values}, row-major of {@code shape}. */
    static List<SafetensorsTensor> of(String name, long[] shape, double[] values) {
        float[] hi = new float[values.length];
        float[] lo = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            hi[i] = (float) values[i];
            lo[i] = (float) (values[i] - hi[i]);
        }
        return List.of(SafetensorsTensor.f32(name, shape, hi), SafetensorsTensor.f32(name + LOW_SUFFIX, shape, lo));
    }

    /** The values stored by {@link #of} under {@code name}; refuses a shape other than {@code shape}. */
    static double[] read(SafetensorsFile file, String name, long... shape) {
        SafetensorsTensor hi = file.tensor(name);
        SafetensorsTensor lo = file.tensor(name + LOW_SUFFIX);
        if (!Arrays.equals(hi.shape(), shape) || !Arrays.equals(lo.shape(), shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(hi.shape())
                    + " (and its low part " + Arrays.toString(lo.shape()) + "), expected " + Arrays.toString(shape));
        }
        float[] h = hi.values();
        float[] l = lo.values();
        double[] values = new double[h.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (double) h[i] + l[i];
        }
        return values;
    }

    /** Row-major flattening of a matrix with rows of equal length. */
    static double[] flatten(double[][] matrix) {
        int columns = matrix.length == 0 ? 0 : matrix[0].length;
        double[] flat = new double[Math.multiplyExact(matrix.length, columns)];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, flat, i * columns, columns);
        }
        return flat;
    }

    /** The inverse of {@link #flatten}. */
    static double[][] unflatten(double[] flat, int rows, int columns) {
        double[][] matrix = new double[rows][];
        for (int i = 0; i < rows; i++) {
            matrix[i] = Arrays.copyOfRange(flat, i * columns, (i + 1) * columns);
        }
        return matrix;
    }
}
