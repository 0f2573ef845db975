package dev.ladd.ml.ladd;

import java.util.List;

/**
 * One iteration's synthetic data: teacher latents x₀ with the prompts and seeds that made them.
 *
 * @param latents [count · C · h · w] row-major
 * @param shape   [C, h, w] of one latent
 */
public record LaddBatch(float[] latents, long[] shape, List<String> prompts, List<Long> seeds) {
    public LaddBatch {
        prompts = List.copyOf(prompts);
        seeds = List.copyOf(seeds);
        if (shape.length != 3 || prompts.size() != seeds.size()
                || latents.length != shape[0] * shape[1] * shape[2] * prompts.size()) {
            throw new IllegalArgumentException("a batch of " + prompts.size() + " prompts and " + seeds.size()
                    + " seeds with latents of shape " + java.util.Arrays.toString(shape) + " cannot hold "
                    + latents.length + " values");
        }
    }

    public int count() {
        return prompts.size();
    }
}
