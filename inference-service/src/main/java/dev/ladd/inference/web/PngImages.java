package dev.ladd.inference.web;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One image as PNG bytes: values in [−1, 1] → 0…255 (clamped, rounded), upscaled by nearest neighbour. The same
 * values give the same bytes (the encoder has no time stamps or randomness).
 */
public final class PngImages {

    private PngImages() {
    }

    /**
     * @param signed   [channels · size · size], channel-major, in [−1, 1]
     * @param channels 1 (grey) or 3 (RGB)
     * @param outSize  output edge: a multiple of {@code size}
     */
    public static byte[] png(float[] signed, int channels, int size, int outSize) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("PNG images here are grey (1 channel) or RGB (3), got " + channels);
        }
        if (signed.length != channels * size * size) {
            throw new IllegalArgumentException("a " + channels + "×" + size + "×" + size + " image needs "
                    + channels * size * size + " values, got " + signed.length);
        }
        if (outSize < size || outSize % size != 0) {
            throw new IllegalArgumentException("the output edge " + outSize + " must be a multiple of the image's " + size);
        }
        int scale = outSize / size;
        BufferedImage image = new BufferedImage(outSize, outSize,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int[] row = new int[outSize * channels];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < channels; c++) {
                    int v = grey(signed[(c * size + y) * size + x]);
                    for (int dx = 0; dx < scale; dx++) {
                        row[(x * scale + dx) * channels + c] = v;
                    }
                }
            }
            for (int dy = 0; dy < scale; dy++) {
                image.getRaster().setPixels(0, y * scale + dy, outSize, 1, row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static int grey(float v) {
        if (!(v > -1f)) {   // also NaN
            return 0;
        }
        return Math.round(Math.min(1f, (v + 1f) / 2f) * 255f);
    }
}
