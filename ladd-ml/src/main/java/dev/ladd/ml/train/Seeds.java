package dev.ladd.ml.train;

import java.util.Random;

/**
 * Where every derived seed of the platform comes from, so that a run, a shard or a batch is reproducible from its
 * config's one seed and the position it is at. {@link #derive} is the mix of (seed, step, …) the training loops, the
 * synthetic data and the runs use; {@link #stepRandom} scrambles (seed, step) further for the autoencoder's and the
 * classifier's steps. Both compute exactly the numbers the formulas they replace did (docs/adr/019), so that no
 * stored run, shard, checkpoint or grid changes.
 */
public final class Seeds {

    /** The multiplier of {@link #derive}: a prime above 10⁶, so that consecutive steps of nearby seeds do not meet. */
    public static final long PRIME = 1_000_003L;

    private Seeds() {
    }

    /**
     * The seed of {@code parts} (a step, an index, …) under {@code seed}: {@code seed · P + part}, folded left over
     * the parts ({@code derive(s, a, b) = (s · P + a) · P + b}), in wrapping long arithmetic.
     */
    public static long derive(long seed, long... parts) {
        long mixed = seed;
        for (long part : parts) {
            mixed = mixed * PRIME + part;
        }
        return mixed;
    }

    /** The generator of {@link #derive}{@code (seed, parts…)}. */
    public static Random random(long seed, long... parts) {
        return new Random(derive(seed, parts));
    }

    /**
     * The generator of step {@code step} (0-based) of the run with {@code seed}: SplitMix64 of both, as a seed (the
     * autoencoder's and the classifier's training steps, whose nearby seeds must not share batches).
     */
    public static Random stepRandom(long seed, long step) {
        return new Random(splitMix64(splitMix64(seed) ^ step));
    }

    private static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
