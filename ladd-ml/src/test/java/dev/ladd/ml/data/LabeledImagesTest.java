package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LabeledImagesTest {

    /** Two 28×28 images, all pixels 255 in the first and 0 in the second. */
    private static LabeledImages whiteAndBlack() {
        byte[] pixels = new byte[2 * 784];
        java.util.Arrays.fill(pixels, 0, 784, (byte) 255);
        return new LabeledImages(2, 28, 28, pixels, new int[]{7, 3});
    }

    @Test
    void padsTo32By32WithTwoPixelsOfBackgroundOnEachSide() {
        LabeledImages padded = whiteAndBlack().paddedTo32();

        assertThat(padded.count()).isEqualTo(2);
        assertThat(padded.height()).isEqualTo(32);
        assertThat(padded.width()).isEqualTo(32);
        assertThat(padded.labels()).containsExactly(7, 3);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                assertThat(padded.pixel(0, y, x)).as("(%d, %d)", y, x).isEqualTo(inside ? 255 : 0);
                assertThat(padded.pixel(1, y, x)).isZero();
            }
        }
    }

    @Test
    void paddingKeepsEveryPixelInPlace() {
        LabeledImages images = TinyDataset.generate(3, 1L);
        LabeledImages padded = images.paddedTo32();

        for (int i = 0; i < 3; i++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertThat(padded.pixel(i, y + 2, x + 2)).isEqualTo(images.pixel(i, y, x));
                }
            }
        }
        assertThatThrownBy(() -> padded.paddedTo(28, 28)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scalesPixelsToMinusOneOne() {
        LabeledImages padded = whiteAndBlack().paddedTo32();

        float[] white = padded.signedImage(0);
        float[] batch = padded.signedImages(0, 2);

        assertThat(white).hasSize(32 * 32);
        assertThat(white[0]).isEqualTo(-1f);            // padding is background
        assertThat(white[2 * 32 + 2]).isEqualTo(1f);
        assertThat(batch).hasSize(2 * 32 * 32);
        assertThat(batch[32 * 32 + 100]).isEqualTo(-1f);
        assertThat(LabeledImages.toSigned(0)).isEqualTo(-1f);
        assertThat(LabeledImages.toSigned(255)).isEqualTo(1f);
        assertThat(LabeledImages.toSigned(128)).isCloseTo(0.0039f, within(1e-4f));
        assertThat(whiteAndBlack().floatImage(0)).containsOnly(1f);
        assertThat(whiteAndBlack().floatImage(1)).containsOnly(0f);
    }

    @Test
    void signedValuesRoundTripToPixels() {
        LabeledImages images = TinyDataset.generate(4, 2L);

        assertThat(LabeledImages.toPixels(images.signedImages(0, 4))).isEqualTo(images.pixels());
        assertThat(LabeledImages.toPixels(new float[]{-3f, 0f, 7f})).containsExactly(0, (byte) 128, (byte) 255);
    }

    @Test
    void slicesSubsetsAndSelects() {
        LabeledImages images = TinyDataset.generate(10, 3L);

        LabeledImages slice = images.slice(2, 5);
        LabeledImages subset = images.subset(4);
        LabeledImages selected = images.select(7, 2);

        assertThat(slice.count()).isEqualTo(3);
        assertThat(slice.labels()).containsExactly(2, 3, 4);
        assertThat(slice.signedImage(0)).isEqualTo(images.signedImage(2));
        assertThat(subset).isEqualTo(images.slice(0, 4));
        assertThat(images.subset(100)).isEqualTo(images);
        assertThat(selected.labels()).containsExactly(7, 2);
        assertThat(selected.floatImage(0)).isEqualTo(images.floatImage(7));
        assertThatThrownBy(() -> images.slice(5, 11)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void refusesInconsistentArrays() {
        assertThatThrownBy(() -> new LabeledImages(2, 28, 28, new byte[784], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("784 pixels do not make 2 images of 28x28");
        assertThatThrownBy(() -> new LabeledImages(1, 28, 28, new byte[784], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 labels for 1 images");
    }
}
