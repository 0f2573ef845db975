package dev.ladd.ml.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of labelled grey-scale images: {@code pixels} row-major [count, height, width] as unsigned bytes
 * (0 = background, 255 = ink, as stored in the IDX files), {@code labels[i]} the class of image i.
 *
 * <p>The arrays are shared, not copied (the Fashion-MNIST train set is 47 MB): do not modify them.
 * Views that change the data ({@link #slice}, {@link #paddedTo}, …) return new instances with new arrays.
 *
 * <p>Two value conventions: {@link #floatImage} gives [0, 1]; {@link #signedImage}/{@link #signedImages}
 * give [-1, 1] (pixel / 127.5 − 1), the autoencoder's input convention. {@link #toPixels} goes back.
 */
public record LabeledImages(int count, int height, int width, byte[] pixels, int[] labels) {

    public LabeledImages {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (count < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("impossible shape " + count + "x" + height + "x" + width);
        }
        if ((long) count * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixels do not make " + count + " images of "
                    + height + "x" + width);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(labels.length + " labels for " + count + " images");
        }
    }

    public int pixelsPerImage() {
        return height * width;
    }

    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    /** Pixel (y, x) of image i as 0–255. */
    public int pixel(int i, int y, int x) {
        checkIndex(i);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return Byte.toUnsignedInt(pixels[(i * height + y) * width + x]);
    }

    /** Image i, row-major [height, width], in [0, 1]. */
    public float[] floatImage(int i) {
        checkIndex(i);
        int n = pixelsPerImage();
        float[] image = new float[n];
        for (int k = 0; k < n; k++) {
            image[k] = Byte.toUnsignedInt(pixels[i * n + k]) / 255f;
        }
        return image;
    }

    /** Image i, row-major [height, width], in [-1, 1]. */
    public float[] signedImage(int i) {
        return signedImages(i, i + 1);
    }

    /** Images [from, to) in [-1, 1], flat row-major [to − from, height, width] (shape (n, 1, h, w) for a model). */
    public float[] signedImages(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int n = pixelsPerImage();
        float[] values = new float[(to - from) * n];
        int offset = from * n;
        for (int k = 0; k < values.length; k++) {
            values[k] = toSigned(Byte.toUnsignedInt(pixels[offset + k]));
        }
        return values;
    }

    /** A pixel 0–255 in [-1, 1]: 0 → -1, 255 → 1. */
    public static float toSigned(int pixel) {
        return pixel / 127.5f - 1f;
    }

    /** Values in [-1, 1] (e.g. a generated image) back to pixels 0–255; out-of-range values are clamped. */
    public static byte[] toPixels(float[] signed) {
        byte[] out = new byte[signed.length];
        for (int k = 0; k < signed.length; k++) {
            float v = Math.max(-1f, Math.min(1f, signed[k]));
            out[k] = (byte) Math.round((v + 1f) * 127.5f);
        }
        return out;
    }

    /** 28×28 → 32×32 with 2 px of background (pixel 0, i.e. -1 once signed) on each side. */
    public LabeledImages paddedTo32() {
        return paddedTo(32, 32);
    }

    /**
     * Centres every image on a larger canvas of background (pixel 0). An odd margin puts the extra row or
     * column at the bottom or right.
     */
    public LabeledImages paddedTo(int newHeight, int newWidth) {
        if (newHeight < height || newWidth < width) {
            throw new IllegalArgumentException("cannot pad " + height + "x" + width + " to the smaller "
                    + newHeight + "x" + newWidth);
        }
        int top = (newHeight - height) / 2;
        int left = (newWidth - width) / 2;
        byte[] padded = new byte[Math.multiplyExact(count, Math.multiplyExact(newHeight, newWidth))];
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(pixels, (i * height + y) * width,
                        padded, (i * newHeight + y + top) * newWidth + left, width);
            }
        }
        return new LabeledImages(count, newHeight, newWidth, padded, labels.clone());
    }

    /** Images [from, to), copied. */
    public LabeledImages slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int n = pixelsPerImage();
        return new LabeledImages(to - from, height, width,
                Arrays.copyOfRange(pixels, from * n, to * n), Arrays.copyOfRange(labels, from, to));
    }

    /** The first n images (all of them when there are fewer). */
    public LabeledImages subset(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative subset size " + n);
        }
        return slice(0, Math.min(n, count));
    }

    /** The images at the given indices, in that order (e.g. a shuffled mini-batch), copied. */
    public LabeledImages select(int... indices) {
        int n = pixelsPerImage();
        byte[] chosenPixels = new byte[indices.length * n];
        int[] chosenLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            checkIndex(i);
            System.arraycopy(pixels, i * n, chosenPixels, k * n, n);
            chosenLabels[k] = labels[i];
        }
        return new LabeledImages(indices.length, height, width, chosenPixels, chosenLabels);
    }

    /** How many images each label 0 … numClasses − 1 has. */
    public int[] classCounts(int numClasses) {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** Mean pixel value of all images in [0, 1]. */
    public double meanPixel() {
        long sum = 0;
        for (byte p : pixels) {
            sum += Byte.toUnsignedInt(p);
        }
        return pixels.length == 0 ? 0 : sum / 255.0 / pixels.length;
    }

    private void checkIndex(int i) {
        Objects.checkIndex(i, count);
    }

    /** Equal when shape, pixels and labels are equal (records compare arrays by reference otherwise). */
    @Override
    public boolean equals(Object other) {
        return other instanceof LabeledImages that
                && count == that.count && height == that.height && width == that.width
                && Arrays.equals(pixels, that.pixels) && Arrays.equals(labels, that.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, height, width, Arrays.hashCode(pixels), Arrays.hashCode(labels));
    }

    @Override
    public String toString() {
        return "LabeledImages[" + count + " images of " + height + "x" + width + "]";
    }
}
