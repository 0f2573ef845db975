package dev.ladd.ml.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SeedsTest {

    @Test
    void deriveComputesExactlyTheFormulasItReplaced() {
        for (long seed : new long[]{0, 1, 42, -7, Long.MAX_VALUE, 1L << 40}) {
            for (long step : new long[]{0, 1, 999, 1L << 33}) {
                // LaddTraining, TeacherTraining: Random(config.seed() * 1_000_003L + step); teacher shards' seeds
                assertThat(Seeds.derive(seed, step)).isEqualTo(seed * 1_000_003L + step);
                // trainer RunService's request seeds: seed + 1_000_003L * index
                assertThat(Seeds.derive(step, seed)).isEqualTo(seed + 1_000_003L * step);
            }
        }
        assertThat(Seeds.derive(5, 2, 3)).isEqualTo((5 * 1_000_003L + 2) * 1_000_003L + 3);
        assertThat(Seeds.derive(9)).isEqualTo(9);
        assertThat(Seeds.random(3, 4).nextLong()).isEqualTo(new Random(3 * 1_000_003L + 4).nextLong());
    }

    @Test
    void stepRandomIsSplitMix64OfSeedAndStep() {
        assertThat(Seeds.stepRandom(7, 3).nextLong()).isEqualTo(new Random(splitMix64(splitMix64(7) ^ 3)).nextLong());
        assertThat(AutoencoderTraining.stepRandom(7, 3).nextLong()).isEqualTo(Seeds.stepRandom(7, 3).nextLong());
        assertThat(Seeds.stepRandom(7, 3).nextLong()).isNotEqualTo(Seeds.stepRandom(7, 4).nextLong());
        assertThat(Seeds.stepRandom(7, 3).nextLong()).isNotEqualTo(Seeds.stepRandom(8, 3).nextLong());
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014), written out here so the test does not trust Seeds' copy. */
    private static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
