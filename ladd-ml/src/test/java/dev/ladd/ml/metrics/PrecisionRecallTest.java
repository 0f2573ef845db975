package dev.ladd.ml.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrecisionRecallTest {

    /** n points around {@code centre}, each coordinate uniform in ±1. */
    static double[][] cluster(double[] centre, int n, Random rng) {
        double[][] points = new double[n][];
        for (int i = 0; i < n; i++) {
            points[i] = centre.clone();
            for (int j = 0; j < centre.length; j++) {
                points[i][j] += 2 * rng.nextDouble() - 1;
            }
        }
        return points;
    }

    static double[][] concat(double[][] a, double[][] b) {
        double[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theRadiiReachTheKthNearestOtherPoint() {
        double[][] line = {{0}, {1}, {3}, {6}, {10}};

        assertThat(PrecisionRecall.Manifold.of(line, 1).radii()).containsExactly(1, 1, 2, 3, 4);
        assertThat(PrecisionRecall.Manifold.of(line, 2).radii()).containsExactly(3, 2, 3, 4, 7);
        // a duplicate is a neighbour at distance 0
        assertThat(PrecisionRecall.Manifold.of(new double[][]{{0, 0}, {0, 0}, {3, 4}}, 1).radii()).containsExactly(0, 0, 5);
    }

    @Test
    void identicalSetsHavePrecisionAndRecallOne() {
        double[][] points = cluster(new double[]{0, 0, 0}, 200, new Random(1));

        assertThat(PrecisionRecall.of(points, points.clone())).isEqualTo(new PrecisionRecall(1, 1));
    }

    @Test
    void farApartSetsHavePrecisionAndRecallZero() {
        Random rng = new Random(2);
        double[][] real = cluster(new double[]{0, 0, 0}, 100, rng);
        double[][] generated = cluster(new double[]{100, 0, 0}, 150, rng);

        assertThat(PrecisionRecall.of(real, generated)).isEqualTo(new PrecisionRecall(0, 0));
    }

    /** Generated samples that cover one of two real modes: all of them look real, half the real data is missed. */
    @Test
    void aGeneratorThatDropsAModeKeepsPrecisionAndLosesRecall() {
        Random rng = new Random(3);
        double[][] modeA = cluster(new double[]{0, 0}, 100, rng);
        double[][] modeB = cluster(new double[]{50, 50}, 100, rng);
        double[][] real = concat(modeA, modeB);

        PrecisionRecall onlyA = PrecisionRecall.of(real, modeA);
        PrecisionRecall collapsed = PrecisionRecall.of(real, new double[][]{modeA[0], modeA[0], modeA[0], modeA[0]});

        assertThat(onlyA.precision()).isEqualTo(1.0);
        assertThat(onlyA.recall()).isEqualTo(0.5);
        // one real sample four times: realistic, but its manifold is a point that covers only itself
        assertThat(collapsed.precision()).isEqualTo(1.0);
        assertThat(collapsed.recall()).isEqualTo(1 / 200.0);
    }

    @Test
    void theRealManifoldCanBeBuiltOnceAndReused() {
        Random rng = new Random(4);
        double[][] real = cluster(new double[]{0, 0}, 300, rng);
        double[][] generated = cluster(new double[]{0.5, 0}, 300, rng);
        PrecisionRecall.Manifold manifold = PrecisionRecall.Manifold.of(real, PrecisionRecall.DEFAULT_K);

        PrecisionRecall once = PrecisionRecall.of(manifold, generated);

        assertThat(once).isEqualTo(PrecisionRecall.of(real, generated));
        assertThat(once.precision()).isBetween(0.6, 0.99);
        assertThat(once.recall()).isBetween(0.6, 0.99);
        assertThatThrownBy(() -> PrecisionRecall.Manifold.of(new double[][]{{0}, {1}, {2}}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k < N");
        assertThatThrownBy(() -> manifold.share(new double[][]{{0, 0, 0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 2");
    }
}
