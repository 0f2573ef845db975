package dev.ladd.ml.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SymmetricEigenTest {

    /** A random symmetric positive definite matrix B·Bᵀ + 0.1·I. */
    static double[][] randomSpd(int n, Random rng) {
        double[][] b = new double[n][n];
        for (double[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] a = Fid.multiply(b, transpose(b));
        for (int i = 0; i < n; i++) {
            a[i][i] += 0.1;
        }
        return a;
    }

    /** A random orthogonal matrix: the eigenvectors of a random symmetric matrix. */
    static double[][] randomOrthogonal(int n, Random rng) {
        return SymmetricEigen.of(randomSpd(n, rng)).vectors();
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double maxAbsDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    static double maxAbs(double[][] a) {
        return maxAbsDifference(a, new double[a.length][a[0].length]);
    }

    @Test
    void aRandomSpdMatrixIsReconstructedFromOrthonormalEigenvectors() {
        Random rng = new Random(1);
        for (int n : new int[]{1, 2, 5, 64}) {
            double[][] a = randomSpd(n, rng);
            SymmetricEigen eigen = SymmetricEigen.of(a);
            double[][] v = eigen.vectors();

            assertThat(maxAbsDifference(eigen.apply(x -> x), a)).as("n = %d", n).isLessThan(1e-12 * maxAbs(a));
            double[][] identity = new double[n][n];
            for (int i = 0; i < n; i++) {
                identity[i][i] = 1;
            }
            assertThat(maxAbsDifference(Fid.multiply(transpose(v), v), identity)).as("n = %d", n).isLessThan(1e-13);
            double[] values = eigen.values();
            for (int k = 0; k < n; k++) {
                assertThat(values[k]).isGreaterThan(0);
                if (k > 0) {
                    assertThat(values[k]).isGreaterThanOrEqualTo(values[k - 1]);
                }
                // A·v_k = λ_k·v_k
                for (int i = 0; i < n; i++) {
                    double av = 0;
                    for (int j = 0; j < n; j++) {
                        av += a[i][j] * v[j][k];
                    }
                    assertThat(av).isCloseTo(values[k] * v[i][k], within(1e-11 * maxAbs(a)));
                }
            }
        }
    }

    @Test
    void knownEigenvaluesComeBackFromARotatedDiagonalMatrixRepeatedOnesAndZerosIncluded() {
        Random rng = new Random(2);
        double[] lambda = {0, 0, 1e-9, 0.5, 2, 2, 2, 7, 1e3};
        int n = lambda.length;
        double[][] q = randomOrthogonal(n, rng);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[i][k] * lambda[k] * q[j][k];
                }
            }
        }

        double[] values = SymmetricEigen.of(a).values();

        for (int k = 0; k < n; k++) {
            assertThat(values[k]).as("λ_%d", k).isCloseTo(lambda[k], within(1e-12 * 1e3));
        }
    }

    @Test
    void theSquareRootOfAPsdMatrixSquaresBackAndClampsRoundingNegatives() {
        double[][] a = randomSpd(16, new Random(3));
        double[][] root = SymmetricEigen.sqrtPsd(a);
        assertThat(maxAbsDifference(Fid.multiply(root, root), a)).isLessThan(1e-12 * maxAbs(a));
        assertThat(maxAbsDifference(root, transpose(root))).isZero();

        // rank one: v·vᵀ has eigenvalues 0 (up to rounding, maybe −1e-17) and ‖v‖²; its root is v·vᵀ/‖v‖
        double[] v = {1, 2, 3};
        double[][] rankOne = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rankOne[i][j] = v[i] * v[j];
            }
        }
        double[][] rootOfRankOne = SymmetricEigen.sqrtPsd(rankOne);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(rootOfRankOne[i][j]).isCloseTo(v[i] * v[j] / Math.sqrt(14), within(1e-7));
                assertThat(Double.isNaN(rootOfRankOne[i][j])).isFalse();
            }
        }
    }

    @Test
    void refusesNonSquareAndNonFiniteMatrices() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][]{{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][]{{1, Double.NaN}, {Double.NaN, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
}
