package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyDatasetTest {

    @Test
    void hasFashionMnistShapeAndBalancedLabels() {
        LabeledImages images = TinyDataset.generate(50, 7L);

        assertThat(images.count()).isEqualTo(50);
        assertThat(images.height()).isEqualTo(28);
        assertThat(images.width()).isEqualTo(28);
        assertThat(images.classCounts(10)).containsOnly(5);
        assertThat(images.paddedTo32().height()).isEqualTo(32);
    }

    @Test
    void isDeterministicForASeed() {
        assertThat(TinyDataset.generate(20, 5L)).isEqualTo(TinyDataset.generate(20, 5L));
        assertThat(TinyDataset.generate(20, 5L)).isNotEqualTo(TinyDataset.generate(20, 6L));
    }

    @Test
    void classesDifferAndEachImageIsNearestItsOwnClassMean() {
        int perClass = 20;
        LabeledImages images = TinyDataset.generate(10 * perClass, 11L);
        float[][] means = new float[10][784];
        for (int i = 0; i < images.count(); i++) {
            float[] image = images.floatImage(i);
            for (int k = 0; k < 784; k++) {
                means[images.label(i)][k] += image[k] / perClass;
            }
        }
        double closestPair = Double.MAX_VALUE;
        for (int a = 0; a < 10; a++) {
            for (int b = a + 1; b < 10; b++) {
                closestPair = Math.min(closestPair, distance(means[a], means[b]));
            }
        }

        // class means lie far apart, and every image is nearest to its own class mean
        assertThat(closestPair).isGreaterThan(3.0);
        for (int i = 0; i < images.count(); i++) {
            float[] image = images.floatImage(i);
            int nearest = 0;
            for (int c = 1; c < 10; c++) {
                if (distance(image, means[c]) < distance(image, means[nearest])) {
                    nearest = c;
                }
            }
            assertThat(nearest).as("nearest class mean of image %d", i).isEqualTo(images.label(i));
        }
    }

    @Test
    void everyImageShowsInkAndBackground() {
        LabeledImages images = TinyDataset.generate(30, 3L);

        for (int i = 0; i < images.count(); i++) {
            float[] image = images.floatImage(i);
            int ink = 0;
            for (float v : image) {
                ink += v > 0.5f ? 1 : 0;
            }
            assertThat(ink).as("ink pixels of %s", TinyDataset.className(images.label(i))).isBetween(20, 500);
        }
    }

    @Test
    void takesFewerClassesAndOtherSizes() {
        LabeledImages images = TinyDataset.generate(9, 3, 16, 1L);

        assertThat(images.height()).isEqualTo(16);
        assertThat(images.labels()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(TinyDataset.prompts(3).numClasses()).isEqualTo(3);
        assertThatThrownBy(() -> TinyDataset.generate(5, 11, 1L)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(sum);
    }
}
