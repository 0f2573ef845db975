package dev.ladd.ml.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019), on feature vectors with Euclidean distance.
 * A set Φ of features approximates its manifold by the union of balls around its points, each as large as
 * the distance to that point's k-th nearest neighbour in Φ (itself excluded):
 * <pre>
 *   manifold(Φ) = ∪_{φ' ∈ Φ} B(φ', NN_k(φ', Φ))          f(φ, Φ) = 1 if ‖φ − φ'‖ ≤ NN_k(φ', Φ) for some φ' ∈ Φ
 *   precision = (1/|Φ_g|) · Σ_{φ_g ∈ Φ_g} f(φ_g, Φ_r)      share of generated samples on the real manifold
 *   recall    = (1/|Φ_r|) · Σ_{φ_r ∈ Φ_r} f(φ_r, Φ_g)      share of real samples on the generated manifold
 * </pre>
 * k = {@value #DEFAULT_K} as in the paper. Both numbers depend on the sizes of the sets (larger sets give
 * tighter balls): compare scores measured with the same sizes. Costs |Φ|² distances per manifold; the
 * real manifold can be built once ({@link Manifold#of}, kept by {@link ReferenceStats}).
 */
public record PrecisionRecall(double precision, double recall) {

    public static final int DEFAULT_K = 3;

    /** Precision and recall of {@code generated} [M, D] against {@code real} [N, D], k = {@value #DEFAULT_K}. */
    public static PrecisionRecall of(double[][] real, double[][] generated) {
        return of(Manifold.of(real, DEFAULT_K), generated);
    }

    /** Precision and recall of {@code generated} against the real manifold, with the real manifold's k. */
    public static PrecisionRecall of(Manifold real, double[][] generated) {
        Manifold fake = Manifold.of(generated, real.k());
        return new PrecisionRecall(real.share(generated), fake.share(real.points()));
    }

    /**
     * A point set with the k-NN radius of every point: r_i = ‖φ_i − (k-th nearest other point)‖.
     *
     * @param points feature vectors [N, D] (not copied: do not modify)
     * @param radii  r_i for every point [N]
     * @param k      the neighbour the radii reach
     */
    public record Manifold(double[][] points, double[] radii, int k) {

        public Manifold {
            if (points.length != radii.length) {
                throw new IllegalArgumentException(points.length + " points but " + radii.length + " radii");
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
        }

        /** The manifold of N &gt; k points [N, D]: each point's distance to its k-th nearest other point. */
        public static Manifold of(double[][] points, int k) {
            if (k < 1 || points.length <= k) {
                throw new IllegalArgumentException("k-NN radii need 1 <= k < N points, got k = " + k + " and N = " + points.length);
            }
            int d = points[0].length;
            for (double[] p : points) {
                if (p.length != d) {
                    throw new IllegalArgumentException("feature vectors differ in length: " + d + " and " + p.length);
                }
            }
            double[] radii = IntStream.range(0, points.length).parallel()
                    .mapToDouble(i -> Math.sqrt(kthSmallestSquaredDistance(points, i, k)))
                    .toArray();
            return new Manifold(points, radii, k);
        }

        /** Whether φ lies in some ball: ‖φ − φ_j‖ ≤ r_j for some j. */
        public boolean contains(double[] phi) {
            for (int j = 0; j < points.length; j++) {
                if (squaredDistance(phi, points[j], radii[j] * radii[j]) <= radii[j] * radii[j]) {
                    return true;
                }
            }
            return false;
        }

        /** The share of {@code queries} [M, D] that lie on the manifold. */
        public double share(double[][] queries) {
            if (queries.length == 0) {
                throw new IllegalArgumentException("no feature vectors to place on the manifold");
            }
            for (double[] q : queries) {
                if (q.length != dimension()) {
                    throw new IllegalArgumentException("feature vectors of length " + q.length + " cannot lie on a manifold of dimension " + dimension());
                }
            }
            long inside = IntStream.range(0, queries.length).parallel().filter(i -> contains(queries[i])).count();
            return inside / (double) queries.length;
        }

        /** The number of points N. */
        public int size() {
            return points.length;
        }

        /** The feature dimension D. */
        public int dimension() {
            return points[0].length;
        }
    }

    /** The k-th smallest squared distance from points[i] to the other points (a sorted buffer of k). */
    private static double kthSmallestSquaredDistance(double[][] points, int i, int k) {
        double[] nearest = new double[k];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int j = 0; j < points.length; j++) {
            if (j == i) {
                continue;
            }
            double dist = squaredDistance(points[i], points[j], nearest[k - 1]);
            if (dist < nearest[k - 1]) {
                int slot = k - 1;
                while (slot > 0 && nearest[slot - 1] > dist) {
                    nearest[slot] = nearest[slot - 1];
                    slot--;
                }
                nearest[slot] = dist;
            }
        }
        return nearest[k - 1];
    }

    /** ‖a − b‖², or any value above {@code bound} as soon as the partial sum exceeds it. */
    private static double squaredDistance(double[] a, double[] b, double bound) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = a[i] - b[i];
            sum += diff * diff;
            if (sum > bound) {
                return sum;
            }
        }
        return sum;
    }
}
