package dev.ladd.ml.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Lays grey images out as a PNG grid: row r, column c holds image r·cols + c. */
public final class ImageGrid {

    private static final int GAP = 2;

    private ImageGrid() {
    }

    /**
     * @param signed images in [-1, 1], [count, height, width] row-major (count = rows · cols)
     * @param crop   pixels to cut from every side (2 turns the 32×32 padded images back into 28×28)
     */
    public static byte[] png(float[] signed, int rows, int cols, int height, int width, int crop) {
        if (signed.length != (long) rows * cols * height * width) {
            throw new IllegalArgumentException("a " + rows + "×" + cols + " grid of " + height + "×" + width
                    + " images needs " + (long) rows * cols * height * width + " values, got " + signed.length);
        }
        int h = height - 2 * crop;
        int w = width - 2 * crop;
        BufferedImage grid = new BufferedImage(cols * (w + GAP) + GAP, rows * (h + GAP) + GAP, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int image = r * cols + c;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float v = signed[(image * height + y + crop) * width + x + crop];
                        int grey = Math.round(Math.max(0f, Math.min(1f, (v + 1f) / 2f)) * 255f);
                        grid.getRaster().setSample(GAP + c * (w + GAP) + x, GAP + r * (h + GAP) + y, 0, grey);
                    }
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(grid, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
