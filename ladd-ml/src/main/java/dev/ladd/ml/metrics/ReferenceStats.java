package dev.ladd.ml.metrics;

import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.FashionClassifier;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What generated images are compared with: the {@link FashionClassifier} features of a real image set
 * (Fashion-MNIST's 10,000 test images), as their {@link GaussianStats} (μ_r, Σ_r) for {@link Fid} and their
 * k-NN {@link PrecisionRecall.Manifold} for precision and recall. Computed once per classifier
 * ({@link #compute}) and stored as one safetensors file ({@link #toSafetensors()}):
 * <pre>
 *   features      F32 [N, F]   φ(x_i) exactly (the classifier computes in float)
 *   radii         F32 [N] + radii.lo         k-NN radii, as {@link DoubleTensors}
 *   mean          F32 [F] + mean.lo          μ_r
 *   covariance    F32 [F, F] + covariance.lo Σ_r
 *   metadata      format, k, count, classifier_sha256 (the classifier weights' SHA-256)
 * </pre>
 *
 * @param gaussian          μ_r and Σ_r of the features
 * @param manifold          the features with their k-NN radii
 * @param classifierSha256  SHA-256 of the classifier's weights (its manifest's weightsSha256): statistics
 *                          are only comparable with features of that same classifier
 */
public record ReferenceStats(GaussianStats gaussian, PrecisionRecall.Manifold manifold, String classifierSha256) {

    static final String FORMAT = "ladd-reference-stats/1";

    public ReferenceStats {
        if (gaussian.dimension() != manifold.dimension()) {
            throw new IllegalArgumentException("the Gaussian has dimension " + gaussian.dimension() + ", the manifold "
                    + manifold.dimension());
        }
    }

    /** The statistics of {@code images} (of the classifier's size), with k = {@value PrecisionRecall#DEFAULT_K}. */
    public static ReferenceStats compute(FashionClassifier classifier, String classifierSha256, LabeledImages images) {
        return of(ClassifierOutputs.of(classifier, images).features(), classifierSha256);
    }

    /** The statistics of real features [N, F] (not copied), with k = {@value PrecisionRecall#DEFAULT_K}. */
    public static ReferenceStats of(double[][] features, String classifierSha256) {
        return new ReferenceStats(GaussianStats.of(features), PrecisionRecall.Manifold.of(features, PrecisionRecall.DEFAULT_K),
                classifierSha256);
    }

    /** FID of generated features [M, F] against these statistics: d²(N(μ_r, Σ_r), N(μ_g, Σ_g)). */
    public double fid(double[][] generatedFeatures) {
        return Fid.distance(gaussian, GaussianStats.of(generatedFeatures));
    }

    /** Precision and recall of generated features [M, F] against these real features, with this k. */
    public PrecisionRecall precisionRecall(double[][] generatedFeatures) {
        return PrecisionRecall.of(manifold, generatedFeatures);
    }

    /** The safetensors bytes described in the class comment. */
    public byte[] toSafetensors() {
        int n = manifold.size();
        int d = manifold.dimension();
        float[] features = new float[Math.multiplyExact(n, d)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                features[i * d + j] = (float) manifold.points()[i][j];
            }
        }
        List<SafetensorsTensor> tensors = new ArrayList<>();
        tensors.add(new SafetensorsTensor("features", DType.F32, new long[]{n, d}, features));
        tensors.addAll(DoubleTensors.of("radii", new long[]{n}, manifold.radii()));
        tensors.addAll(gaussian.tensors(""));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("k", Integer.toString(manifold.k()));
        metadata.put("count", Long.toString(gaussian.count()));
        metadata.put("classifier_sha256", classifierSha256);
        return Safetensors.toBytes(SafetensorsFile.of(tensors, metadata));
    }

    /** Reads what {@link #toSafetensors()} wrote. */
    public static ReferenceStats fromSafetensors(byte[] bytes) throws IOException {
        SafetensorsFile file = Safetensors.read(bytes);
        Map<String, String> metadata = file.metadata();
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IOException("not reference statistics: format is " + metadata.get("format") + ", expected " + FORMAT);
        }
        try {
            SafetensorsTensor features = file.tensor("features");
            long[] shape = features.shape();
            if (shape.length != 2) {
                throw new IllegalArgumentException("features must be [N, F], got " + Arrays.toString(shape));
            }
            int n = Math.toIntExact(shape[0]);
            int d = Math.toIntExact(shape[1]);
            double[][] points = new double[n][d];
            float[] values = features.values();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    points[i][j] = values[i * d + j];
                }
            }
            double[] radii = DoubleTensors.read(file, "radii", n);
            PrecisionRecall.Manifold manifold = new PrecisionRecall.Manifold(points, radii, Integer.parseInt(metadata.get("k")));
            GaussianStats gaussian = GaussianStats.read(file, "", Long.parseLong(metadata.get("count")));
            return new ReferenceStats(gaussian, manifold, metadata.get("classifier_sha256"));
        } catch (RuntimeException e) {
            throw new IOException("reference statistics do not fit together: " + e.getMessage(), e);
        }
    }
}
