package dev.ladd.ml.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How fast a model makes images: wall-clock milliseconds per image for one image at a time (batch 1, what a
 * single request waits) and for {@value #LARGE_BATCH} at a time (what a busy server gets per image), timed
 * around the whole of prompt → latents → decoded images. Each figure is the median of {@code repeats} timed
 * calls after {@code warmup} untimed ones (the first calls pay for allocation and libtorch's lazy set-up):
 * <pre>
 *   ms/image at batch b = median_r (t_r / b)             images/s = 1000 / (ms/image at batch 64)
 * </pre>
 * Speeds are comparable only when measured on the same machine, in the same process, with the same
 * threads: measure every model that is compared with one meter, one after the other.
 */
public final class SpeedMeter {

    /** The large batch: {@code SeededBatches.CHUNK}, the samplers' own chunk size. */
    public static final int LARGE_BATCH = 64;

    /** Makes decoded images for these prompts and seeds (one per pair); the result is only held, not used. */
    @FunctionalInterface
    public interface ImageMaker {
        float[] images(List<String> prompts, List<Long> seeds);
    }

    /**
     * @param msPerImageBatch1  median ms for one image made alone
     * @param msPerImageBatch64 median ms per image when {@value #LARGE_BATCH} are made in one call
     */
    public record Speed(double msPerImageBatch1, double msPerImageBatch64) {

        /** Throughput at the large batch. */
        public double imagesPerSecond() {
            return 1000.0 / msPerImageBatch64;
        }
    }

    private final int warmup;
    private final int repeats;
    private final LongSupplier nanoClock;

    /**
     * @param warmup  untimed calls before the timed ones, per batch size (≥ 0)
     * @param repeats timed calls per batch size (≥ 1); each batch-1 call uses the next prompt and seed
     */
    public SpeedMeter(int warmup, int repeats) {
        this(warmup, repeats, System::nanoTime);
    }

    SpeedMeter(int warmup, int repeats, LongSupplier nanoClock) {
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("a speed measurement needs warmup >= 0 and repeats >= 1, got " + warmup
                    + " and " + repeats);
        }
        this.warmup = warmup;
        this.repeats = repeats;
        this.nanoClock = nanoClock;
    }

    /**
     * Times {@code maker} on the first prompts and seeds of an evaluation set, which must hold at least
     * {@value #LARGE_BATCH} of them.
     */
    public Speed measure(ImageMaker maker, List<String> prompts, List<Long> seeds) {
        if (prompts.size() != seeds.size() || prompts.size() < LARGE_BATCH) {
            throw new IllegalArgumentException("timing needs at least " + LARGE_BATCH + " prompts with as many seeds, got "
                    + prompts.size() + " prompts and " + seeds.size() + " seeds");
        }
        List<Double> single = new ArrayList<>();
        for (int i = 0; i < warmup + repeats; i++) {
            int at = i % prompts.size();
            double ms = millis(maker, prompts.subList(at, at + 1), seeds.subList(at, at + 1));
            if (i >= warmup) {
                single.add(ms);
            }
        }
        List<Double> batched = new ArrayList<>();
        for (int i = 0; i < warmup + repeats; i++) {
            double ms = millis(maker, prompts.subList(0, LARGE_BATCH), seeds.subList(0, LARGE_BATCH));
            if (i >= warmup) {
                batched.add(ms / LARGE_BATCH);
            }
        }
        return new Speed(median(single), median(batched));
    }

    private double millis(ImageMaker maker, List<String> prompts, List<Long> seeds) {
        long start = nanoClock.getAsLong();
        float[] images = maker.images(prompts, seeds);
        long elapsed = nanoClock.getAsLong() - start;
        if (images == null || images.length == 0) {
            throw new IllegalStateException("the timed model made no images");
        }
        return elapsed / 1e6;
    }

    /** How each figure is measured, e.g. "3 timed calls after 1 warm-up call", for reports. */
    public String describe() {
        return repeats + " timed call" + (repeats == 1 ? "" : "s") + " after " + warmup + " warm-up call" + (warmup == 1 ? "" : "s");
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
