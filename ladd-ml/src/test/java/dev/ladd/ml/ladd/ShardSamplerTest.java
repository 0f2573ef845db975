package dev.ladd.ml.ladd;

import dev.ladd.ml.data.LatentShard;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardSamplerTest {

    @Test
    void anEpochReadsEverySampleOnceInAShuffledOrder() {
        ShardSampler sampler = ShardSampler.inMemory(12, 4, 7);
        Set<Integer> seen = new HashSet<>();
        List<Integer> order = new ArrayList<>();
        for (long i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                ShardSampler.Position at = sampler.at(i, j);
                assertThat(at.request()).isZero();
                assertThat(at.shard()).isZero();
                seen.add(at.index());
                order.add(at.index());
            }
        }
        assertThat(seen).hasSize(12);
        assertThat(order).isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    }

    @Test
    void aPositionIsAPureFunctionOfTheIteration() {
        ShardSampler a = new ShardSampler(8, 3, 4, 5, 11);
        ShardSampler b = new ShardSampler(8, 3, 4, 5, 11);
        for (long i = 20; i >= 0; i--) {   // b reads backwards: no hidden position
            for (int j = 0; j < 5; j++) {
                assertThat(b.at(i, j)).isEqualTo(new ShardSampler(8, 3, 4, 5, 11).at(i, j));
            }
        }
        assertThat(a.at(3, 2)).isEqualTo(b.at(3, 2));
        assertThat(a.lastRequestOf(0)).isZero();
        assertThat(a.lastRequestOf(1)).isEqualTo(1);   // samples 5..9: request 1 starts at 8
    }

    @Test
    void aBatchGathersTheSampledLatentsAndWaitsForMissingShards() {
        LatentShard data = shard(6);
        ShardSampler sampler = ShardSampler.inMemory(6, 2, 3);
        LaddBatch batch = sampler.batch(1, data);
        assertThat(batch.seeds()).containsExactly((long) sampler.at(1, 0).index(), (long) sampler.at(1, 1).index());
        assertThat(batch.latents()[0]).isEqualTo(sampler.at(1, 0).index());
        assertThat(sampler.batch(1, (request, shard) -> null)).isEmpty();
        assertThatThrownBy(() -> sampler.batch(0, (request, shard) -> shard(1)))
                .isInstanceOf(ShardSampler.ShortShardException.class).hasMessageContaining("holds 1 samples");
    }

    /** count samples of one value each: sample k is all k, seed k. */
    private static LatentShard shard(int count) {
        float[] latents = new float[count * 4];
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            java.util.Arrays.fill(latents, k * 4, k * 4 + 4, k);
            prompts.add("p" + k);
            seeds.add((long) k);
        }
        return new LatentShard("t", 1, 1f, new long[]{1, 2, 2}, latents, prompts, seeds);
    }
}
