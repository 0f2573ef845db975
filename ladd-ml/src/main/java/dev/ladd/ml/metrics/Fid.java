package dev.ladd.ml.metrics;

/**
 * The Fréchet distance between two Gaussians (Heusel et al. 2017, "FID" when the Gaussians are fitted to
 * classifier features of real and generated images):
 * <pre>
 *   d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·(Σ₁^½ Σ₂ Σ₁^½)^½)
 * </pre>
 * Σ₁^½ Σ₂ Σ₁^½ is symmetric positive semi-definite and has the eigenvalues of Σ₁Σ₂, so the trace of its
 * square root is Σ_k √λ_k. Both square roots come from {@link SymmetricEigen} (Jacobi, double precision),
 * with eigenvalues that rounding made slightly negative taken as 0: no Newton–Schulz iteration, no complex
 * {@code sqrtm} as pytorch-fid needs for the non-symmetric Σ₁Σ₂. The result is clamped at 0.
 */
public final class Fid {

    private Fid() {
    }

    /** d² between two fitted Gaussians of the same dimension. */
    public static double distance(GaussianStats a, GaussianStats b) {
        return distance(a.mean(), a.covariance(), b.mean(), b.covariance());
    }

    /** d² between N(μ₁, Σ₁) and N(μ₂, Σ₂); Σ₁, Σ₂ symmetric positive semi-definite. */
    public static double distance(double[] mu1, double[][] sigma1, double[] mu2, double[][] sigma2) {
        int d = mu1.length;
        if (mu2.length != d || sigma1.length != d || sigma2.length != d) {
            throw new IllegalArgumentException("the two Gaussians differ in dimension: means " + d + " and " + mu2.length
                    + ", covariances " + sigma1.length + " and " + sigma2.length);
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = mu1[i] - mu2[i];
            meanTerm += diff * diff;
        }
        double traces = 0;
        for (int i = 0; i < d; i++) {
            traces += sigma1[i][i] + sigma2[i][i];
        }
        return Math.max(0, meanTerm + traces - 2 * traceOfSqrtProduct(sigma1, sigma2));
    }

    /** Tr((Σ₁^½ Σ₂ Σ₁^½)^½) = Σ_k √max(λ_k, 0), λ the eigenvalues of Σ₁^½ Σ₂ Σ₁^½. */
    static double traceOfSqrtProduct(double[][] sigma1, double[][] sigma2) {
        double[][] root = SymmetricEigen.sqrtPsd(sigma1);
        double[][] product = multiply(multiply(root, sigma2), root);
        double trace = 0;
        for (double lambda : SymmetricEigen.of(product).values()) {
            trace += SymmetricEigen.sqrtClamped(lambda);
        }
        return trace;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                for (int j = 0; j < m; j++) {
                    out[i][j] += aik * b[k][j];
                }
            }
        }
        return out;
    }
}
