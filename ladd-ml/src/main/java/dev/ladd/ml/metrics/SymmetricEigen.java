package dev.ladd.ml.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

/**
 * The eigen-decomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix, in double precision, by the cyclic
 * Jacobi method: sweep over every pair p &lt; q and rotate rows and columns p, q by the angle that zeroes
 * a_pq,
 * <pre>
 *   θ = (a_qq − a_pp) / (2·a_pq),   t = sign(θ) / (|θ| + √(θ² + 1)),   c = 1/√(t² + 1),   s = t·c
 *   A ← Jᵀ·A·J,  V ← V·J,   J = identity except J_pp = J_qq = c, J_pq = s, J_qp = −s
 * </pre>
 * until the off-diagonal mass Σ_{p≠q} a_pq² is below (10⁻¹⁴·‖A‖_F)² or stops falling. Each rotation keeps A symmetric and
 * V orthogonal; convergence is quadratic once the off-diagonal is small, so a 64×64 or 128×128 covariance
 * takes a few milliseconds. The eigenvalues are accurate to about 10⁻¹⁵·‖A‖ (Demmel &amp; Veselić), which
 * makes it the sound way to take square roots of the covariances of {@link Fid}.
 */
public final class SymmetricEigen {

    private static final int MAX_SWEEPS = 100;
    private static final double TOLERANCE = 1e-14;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes a symmetric matrix (only its symmetric part, (A + Aᵀ)/2, is read, so rounding
     * asymmetries of a computed product do no harm). Eigenvalues come in ascending order.
     */
    public static SymmetricEigen of(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (symmetric[i].length != n) {
                throw new IllegalArgumentException("not a square matrix: row " + i + " has " + symmetric[i].length
                        + " columns, there are " + n + " rows");
            }
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (symmetric[i][j] + symmetric[j][i]);
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + a[i][j]);
                }
            }
        }
        double[][] v = identity(n);
        double norm2 = frobenius2(a);
        double off = offDiagonal2(a);
        for (int sweep = 0; sweep < MAX_SWEEPS && off > TOLERANCE * TOLERANCE * norm2; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, v, p, q);
                }
            }
            double previous = off;
            off = offDiagonal2(a);
            if (off >= previous) {
                break;                               // at the floor that rounding allows
            }
        }
        double[] diagonal = new double[n];
        for (int i = 0; i < n; i++) {
            diagonal[i] = a[i][i];
        }
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> diagonal[i])).toArray(Integer[]::new);
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = diagonal[order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** Zeroes a_pq (and a_qp) by one Jacobi rotation of rows and columns p, q; accumulates it into V. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) {
            return;
        }
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.abs(theta) > 1e150 ? 0.5 / theta
                : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {                // columns p, q: A ← A·J
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {                // rows p, q: A ← Jᵀ·A
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = 0;                                 // exactly, not to rounding
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {                // V ← V·J
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    /** The eigenvalues λ, ascending (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** V, whose column k is the unit eigenvector of λ_k (a copy). */
    public double[][] vectors() {
        return copy(vectors);
    }

    /** f(A) = V·diag(f(λ))·Vᵀ, e.g. the square root of a positive semi-definite matrix. */
    public double[][] apply(DoubleUnaryOperator f) {
        int n = values.length;
        double[] fl = Arrays.stream(values).map(f).toArray();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += vectors[i][k] * fl[k] * vectors[j][k];
                }
                out[i][j] = sum;
                out[j][i] = sum;
            }
        }
        return out;
    }

    /**
     * The principal square root A^½ of a symmetric positive semi-definite matrix, V·diag(√max(λ, 0))·Vᵀ:
     * eigenvalues that rounding made slightly negative count as 0.
     */
    public static double[][] sqrtPsd(double[][] a) {
        return of(a).apply(SymmetricEigen::sqrtClamped);
    }

    /** √max(x, 0). */
    static double sqrtClamped(double x) {
        return Math.sqrt(Math.max(0, x));
    }

    private static double offDiagonal2(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    sum += a[i][j] * a[i][j];
                }
            }
        }
        return sum;
    }

    private static double frobenius2(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double x : row) {
                sum += x * x;
            }
        }
        return sum;
    }

    private static double[][] identity(int n) {
        double[][] id = new double[n][n];
        for (int i = 0; i < n; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
