package dev.ladd.ml.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.ladd.ml.metrics.SymmetricEigenTest.randomOrthogonal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FidTest {

    /** n samples of N(μ, L·Lᵀ): μ + L·z, z ~ N(0, I). */
    static double[][] sample(double[] mu, double[][] l, int n, Random rng) {
        int d = mu.length;
        double[][] x = new double[n][d];
        double[] z = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                z[j] = rng.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                row[i] = mu[i];
                for (int j = 0; j < d; j++) {
                    row[i] += l[i][j] * z[j];
                }
            }
        }
        return x;
    }

    /** Q·diag(λ)·Qᵀ. */
    static double[][] rotated(double[][] q, double[] lambda) {
        int n = lambda.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[i][k] * lambda[k] * q[j][k];
                }
            }
        }
        return a;
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum;
    }

    @Test
    void aSetAgainstItselfIsAtDistanceZero() {
        Random rng = new Random(1);
        double[][] l = SymmetricEigenTest.randomSpd(32, rng);
        double[][] features = sample(new double[32], l, 500, rng);
        GaussianStats stats = GaussianStats.of(features);

        double fid = Fid.distance(stats, GaussianStats.of(features));

        double trace = 0;
        for (int i = 0; i < 32; i++) {
            trace += stats.covariance()[i][i];
        }
        assertThat(fid).isGreaterThanOrEqualTo(0).isLessThan(1e-9 * trace);
    }

    /** Commuting covariances Σ₁ = Q·diag(a)·Qᵀ, Σ₂ = Q·diag(b)·Qᵀ: d² = ‖μ₁ − μ₂‖² + Σ_k (√a_k − √b_k)². */
    @Test
    void commutingCovariancesMatchTheClosedForm() {
        Random rng = new Random(2);
        for (int d : new int[]{1, 3, 16, 64}) {
            double[] a = new double[d];
            double[] b = new double[d];
            double[] mu1 = new double[d];
            double[] mu2 = new double[d];
            double expected = 0;
            for (int k = 0; k < d; k++) {
                a[k] = Math.exp(2 * rng.nextGaussian());
                b[k] = k % 7 == 0 ? 0 : Math.exp(2 * rng.nextGaussian());     // some singular directions
                mu1[k] = rng.nextGaussian();
                mu2[k] = rng.nextGaussian();
                expected += Math.pow(Math.sqrt(a[k]) - Math.sqrt(b[k]), 2);
            }
            expected += squaredDistance(mu1, mu2);
            double[][] q = randomOrthogonal(d, rng);

            double diagonal = Fid.distance(mu1, rotated(identity(d), a), mu2, rotated(identity(d), b));
            double rotatedFid = Fid.distance(mu1, rotated(q, a), mu2, rotated(q, b));

            assertThat(diagonal).as("diagonal, d = %d", d).isCloseTo(expected, within(1e-10 * expected));
            assertThat(rotatedFid).as("rotated, d = %d", d).isCloseTo(expected, within(1e-8 * expected));
        }
    }

    /**
     * Two non-commuting 2×2 covariances fitted to samples: Σ₁^½Σ₂Σ₁^½ has the eigenvalues of Σ₁Σ₂, and for a 2×2
     * PSD matrix M, Tr √M = √(Tr M + 2·√det M), so Tr((Σ₁^½Σ₂Σ₁^½)^½) = √(Tr(Σ₁Σ₂) + 2·√(det Σ₁·det Σ₂)).
     */
    @Test
    void fittedTwoByTwoGaussiansMatchTheClosedFormOfTheirFittedStatistics() {
        Random rng = new Random(3);
        double[][] l1 = {{2, 0}, {1.5, 0.5}};
        double[][] l2 = {{0.3, 0}, {-0.8, 1.2}};
        GaussianStats g1 = GaussianStats.of(sample(new double[]{1, -1}, l1, 2000, rng));
        GaussianStats g2 = GaussianStats.of(sample(new double[]{0, 2}, l2, 3000, rng));
        double[][] s1 = g1.covariance();
        double[][] s2 = g2.covariance();
        double[][] product = Fid.multiply(s1, s2);
        double det1 = s1[0][0] * s1[1][1] - s1[0][1] * s1[1][0];
        double det2 = s2[0][0] * s2[1][1] - s2[0][1] * s2[1][0];
        double traceSqrt = Math.sqrt(product[0][0] + product[1][1] + 2 * Math.sqrt(det1 * det2));
        double expected = squaredDistance(g1.mean(), g2.mean()) + s1[0][0] + s1[1][1] + s2[0][0] + s2[1][1] - 2 * traceSqrt;

        assertThat(Fid.distance(g1, g2)).isCloseTo(expected, within(1e-6 * expected));
        assertThat(Fid.traceOfSqrtProduct(s1, s2)).isCloseTo(traceSqrt, within(1e-12 * traceSqrt));
        assertThat(Fid.distance(g2, g1)).isCloseTo(expected, within(1e-6 * expected));
    }

    @Test
    void fittedStatisticsApproachThePopulationDistanceAsTheSampleGrows() {
        Random rng = new Random(4);
        int d = 8;
        double[][] q = randomOrthogonal(d, rng);
        double[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] b = {2, 2, 2, 2, 1, 1, 1, 1};
        double[] mu2 = {0.5, 0, 0, 0, 0, 0, 0, -0.5};
        double population = Fid.distance(new double[d], rotated(q, a), mu2, rotated(q, b));

        double fitted = Fid.distance(GaussianStats.of(sample(new double[d], rotated(q, sqrt(a)), 40_000, rng)),
                GaussianStats.of(sample(mu2, rotated(q, sqrt(b)), 40_000, rng)));

        assertThat(fitted).isCloseTo(population, within(0.03 * population));
    }

    @Test
    void theStatisticsSurviveASafetensorsRoundTripToFarBelowFloatPrecision() throws Exception {
        Random rng = new Random(5);
        GaussianStats g1 = GaussianStats.of(sample(new double[]{100, 0, 0}, SymmetricEigenTest.randomSpd(3, rng), 300, rng));
        GaussianStats g2 = GaussianStats.of(sample(new double[]{99, 1, 0}, SymmetricEigenTest.randomSpd(3, rng), 300, rng));

        GaussianStats back = GaussianStats.fromSafetensors(g1.toSafetensors());

        assertThat(back.count()).isEqualTo(300);
        assertThat(back.mean()).containsExactly(g1.mean(), within(1e-12));
        for (int i = 0; i < 3; i++) {
            assertThat(back.covariance()[i]).containsExactly(g1.covariance()[i], within(1e-12));
        }
        double fid = Fid.distance(g1, g2);
        assertThat(Fid.distance(back, g2)).isCloseTo(fid, within(1e-10 * fid));
        assertThatThrownBy(() -> GaussianStats.fromSafetensors(
                new ReferenceStats(g1, PrecisionRecall.Manifold.of(new double[][]{{0, 0, 0}, {1, 1, 1}}, 1), "x").toSafetensors()))
                .hasMessageContaining("not Gaussian statistics");
    }

    @Test
    void refusesGaussiansOfDifferentDimensionsAndTooFewSamples() {
        assertThatThrownBy(() -> Fid.distance(new double[2], new double[2][2], new double[3], new double[3][3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
        assertThatThrownBy(() -> GaussianStats.of(new double[][]{{1, 2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    }

    private static double[][] identity(int d) {
        double[][] id = new double[d][d];
        for (int i = 0; i < d; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    private static double[] sqrt(double[] values) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sqrt(out[i]);
        }
        return out;
    }
}
