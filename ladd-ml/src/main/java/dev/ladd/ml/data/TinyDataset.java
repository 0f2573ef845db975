package dev.ladd.ml.data;

import java.util.List;
import java.util.Random;

/**
 * A tiny labelled image dataset drawn in code, for unit tests: same conventions as {@link FashionMnist}
 * (square grey-scale images, 28×28 by default, 0 = background), one simple shape per class
 * ({@link #CLASS_NAMES}) with a random shift, size, ink intensity and a little pixel noise, so that a tiny
 * model learns it in seconds. Labels cycle 0, 1, …, numClasses − 1, 0, … so every prefix is balanced.
 * The same arguments always give the same images.
 */
public final class TinyDataset {

    public static final int DEFAULT_SIZE = 28;
    /** The shapes, in label order; at most this many classes. */
    public static final List<String> CLASS_NAMES = List.of(
            "horizontal bar", "vertical bar", "square", "ring", "cross",
            "diagonal line", "triangle", "frame", "pair of dots", "checkerboard");
    public static final int MAX_CLASSES = CLASS_NAMES.size();

    private static final double MAX_SHIFT = 0.1;
    private static final double NOISE_STDDEV = 8;

    private TinyDataset() {
    }

    /** count 28×28 images of all 10 shapes. */
    public static LabeledImages generate(int count, long seed) {
        return generate(count, MAX_CLASSES, DEFAULT_SIZE, seed);
    }

    public static LabeledImages generate(int count, int numClasses, long seed) {
        return generate(count, numClasses, DEFAULT_SIZE, seed);
    }

    public static LabeledImages generate(int count, int numClasses, int size, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count);
        }
        if (numClasses < 1 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("numClasses must be 1-" + MAX_CLASSES + ", got " + numClasses);
        }
        if (size < 8) {
            throw new IllegalArgumentException("images smaller than 8x8 cannot show the shapes, got " + size);
        }
        Random rng = new Random(seed);
        byte[] pixels = new byte[Math.multiplyExact(count, size * size)];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % numClasses;
            draw(labels[i], size, rng, pixels, i * size * size);
        }
        return new LabeledImages(count, size, size, pixels, labels);
    }

    /** Prompts naming the first numClasses shapes ("a photo of a ring", …). */
    public static Prompts prompts(int numClasses) {
        return Prompts.forClasses(CLASS_NAMES.subList(0, numClasses));
    }

    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    /** One image: the shape in coordinates u, v ∈ [-1, 1] (centre 0), moved and scaled at random. */
    private static void draw(int label, int size, Random rng, byte[] pixels, int offset) {
        double shiftU = (rng.nextDouble() * 2 - 1) * MAX_SHIFT;
        double shiftV = (rng.nextDouble() * 2 - 1) * MAX_SHIFT;
        double scale = 0.9 + rng.nextDouble() * 0.2;
        int ink = 180 + rng.nextInt(76);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = ((x + 0.5) / size * 2 - 1 - shiftU) / scale;
                double v = ((y + 0.5) / size * 2 - 1 - shiftV) / scale;
                double value = (inside(label, u, v) ? ink : 0) + rng.nextGaussian() * NOISE_STDDEV;
                pixels[offset + y * size + x] = (byte) Math.max(0, Math.min(255, Math.round(value)));
            }
        }
    }

    private static boolean inside(int label, double u, double v) {
        double au = Math.abs(u);
        double av = Math.abs(v);
        return switch (label) {
            case 0 -> av < 0.2 && au < 0.7;                                        // horizontal bar
            case 1 -> au < 0.2 && av < 0.7;                                        // vertical bar
            case 2 -> au < 0.4 && av < 0.4;                                        // square
            case 3 -> between(Math.hypot(u, v), 0.35, 0.6);                        // ring
            case 4 -> (au < 0.15 && av < 0.7) || (av < 0.15 && au < 0.7);          // cross
            case 5 -> Math.abs(u - v) < 0.25 && au < 0.7 && av < 0.7;              // diagonal line
            case 6 -> au < 0.65 && av < 0.65 && v > u + 0.15;                      // triangle, bottom left
            case 7 -> between(Math.max(au, av), 0.55, 0.75);                       // frame
            case 8 -> Math.hypot(u - 0.45, v + 0.45) < 0.25 || Math.hypot(u + 0.45, v - 0.45) < 0.25; // pair of dots
            case 9 -> au < 0.7 && av < 0.7
                    && (Math.floor((u + 0.7) / 0.35) + Math.floor((v + 0.7) / 0.35)) % 2 == 0; // checkerboard
            default -> throw new IllegalArgumentException("no shape for label " + label);
        };
    }

    private static boolean between(double value, double low, double high) {
        return value >= low && value < high;
    }
}
