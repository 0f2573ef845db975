package dev.ladd.ml.metrics;

import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Gaussian fitted to a set of feature vectors, in double precision: for features φ₁ … φ_N ∈ ℝᴰ
 * <pre>
 *   μ = (1/N)·Σ φ_i                 Σ = (1/(N−1))·Σ (φ_i − μ)(φ_i − μ)ᵀ
 * </pre>
 * (the unbiased covariance, as {@code numpy.cov} and pytorch-fid use). Computed in two passes (mean, then
 * centred products), so large offsets in the features cost no precision. Stored as safetensors with
 * {@link DoubleTensors}: "mean" [D], "covariance" [D, D], each with its ".lo" part, and the count in the metadata.
 */
public final class GaussianStats {

    static final String FORMAT = "ladd-gaussian-stats/1";

    private final double[] mean;
    private final double[][] covariance;
    private final long count;

    /** Given statistics: μ [D], Σ [D, D] (symmetric), fitted to {@code count} samples. Arrays are copied. */
    public GaussianStats(double[] mean, double[][] covariance, long count) {
        int d = mean.length;
        if (d == 0 || covariance.length != d) {
            throw new IllegalArgumentException("a Gaussian needs a mean of D > 0 values and a D×D covariance, got D = "
                    + d + " and " + covariance.length + " rows");
        }
        for (double[] row : covariance) {
            if (row.length != d) {
                throw new IllegalArgumentException("covariance must be " + d + "×" + d + ", a row has " + row.length + " columns");
            }
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative sample count " + count);
        }
        this.mean = mean.clone();
        this.covariance = SymmetricEigen.copy(covariance);
        this.count = count;
    }

    /** The Gaussian of N ≥ 2 feature vectors [N, D]. */
    public static GaussianStats of(double[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + n);
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (double[] phi : features) {
            if (phi.length != d) {
                throw new IllegalArgumentException("feature vectors differ in length: " + d + " and " + phi.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += phi[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] covariance = new double[d][d];
        double[] centred = new double[d];
        for (double[] phi : features) {
            for (int j = 0; j < d; j++) {
                centred[j] = phi[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                double ci = centred[i];
                double[] row = covariance[i];
                for (int j = i; j < d; j++) {
                    row[j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                covariance[i][j] /= n - 1;
                covariance[j][i] = covariance[i][j];
            }
        }
        return new GaussianStats(mean, covariance, n);
    }

    /** μ (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** Σ (a copy). */
    public double[][] covariance() {
        return SymmetricEigen.copy(covariance);
    }

    /** N, the number of samples the statistics were fitted to. */
    public long count() {
        return count;
    }

    /** D, the feature dimension. */
    public int dimension() {
        return mean.length;
    }

    /** The safetensors bytes: "mean", "covariance" (+ ".lo" parts), metadata format and count. */
    public byte[] toSafetensors() {
        return Safetensors.toBytes(SafetensorsFile.of(tensors(""), Map.of("format", FORMAT, "count", Long.toString(count))));
    }

    /** Reads what {@link #toSafetensors()} wrote. */
    public static GaussianStats fromSafetensors(byte[] bytes) throws IOException {
        SafetensorsFile file = Safetensors.read(bytes);
        if (!FORMAT.equals(file.metadata().get("format"))) {
            throw new IOException("not Gaussian statistics: format is " + file.metadata().get("format") + ", expected " + FORMAT);
        }
        return read(file, "", Long.parseLong(file.metadata().getOrDefault("count", "0")));
    }

    /** The tensors "{prefix}mean" and "{prefix}covariance" with their low parts. */
    List<SafetensorsTensor> tensors(String prefix) {
        int d = dimension();
        List<SafetensorsTensor> tensors = new ArrayList<>(DoubleTensors.of(prefix + "mean", new long[]{d}, mean));
        tensors.addAll(DoubleTensors.of(prefix + "covariance", new long[]{d, d}, DoubleTensors.flatten(covariance)));
        return tensors;
    }

    /** The statistics stored by {@link #tensors(String)}. */
    static GaussianStats read(SafetensorsFile file, String prefix, long count) {
        long[] shape = file.tensor(prefix + "mean").shape();
        int d = shape.length == 1 ? Math.toIntExact(shape[0]) : -1;    // anything else fails the shape check
        double[] mean = DoubleTensors.read(file, prefix + "mean", d);
        double[] covariance = DoubleTensors.read(file, prefix + "covariance", d, d);
        return new GaussianStats(mean, DoubleTensors.unflatten(covariance, d, d), count);
    }
}
