package dev.ladd.inference.web;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PngImagesTest {

    @Test
    void greyValuesAreMappedToBytesAndUpscaledByNearestNeighbour() throws IOException {
        float[] image = {-1f, 1f, 0f, 2f};   // 2×2: black, white / mid grey, clamped white
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(PngImages.png(image, 1, 2, 6)));

        assertThat(png.getWidth()).isEqualTo(6);
        assertThat(png.getHeight()).isEqualTo(6);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                int expected = new int[]{0, 255, 128, 255}[(y / 3) * 2 + x / 3];
                assertThat(png.getRaster().getSample(x, y, 0)).as("pixel %d,%d", x, y).isEqualTo(expected);
            }
        }
    }

    @Test
    void theSameValuesGiveTheSameBytes() {
        float[] image = new float[32 * 32];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) Math.sin(i);
        }
        assertThat(PngImages.png(image, 1, 32, 64)).isEqualTo(PngImages.png(image.clone(), 1, 32, 64));
    }

    @Test
    void anEdgeThatIsNoMultipleOfTheImageIsRefused() {
        assertThatThrownBy(() -> PngImages.png(new float[4], 1, 2, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
