package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ladd.ml.nn.DenoiserConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sampling one latent per (prompt, seed) in chunks, as every sampler here does: sample i starts from
 * {@code gaussian(Random(seed_i))} and may keep drawing from that same generator, so it depends only on its
 * own prompt and seed, never on its batch; each chunk runs in its own sub-manager, so memory stays bounded
 * however many samples are asked for.
 */
public final class SeededBatches {

    /** Samples per chunk. */
    public static final int CHUNK = 64;

    private SeededBatches() {
    }

    /** One chunk's sampling: starting noise [n, C, H, W], its prompts, each sample's generator → latents [n, C, H, W]. */
    @FunctionalInterface
    public interface ChunkSampler {
        NDArray sample(NDManager chunk, NDArray start, List<String> prompts, List<Random> generators);
    }

    /** @return latents [prompts.size() · C · H · W] of the denoiser's default grid */
    public static float[] sample(DenoiserConfig d, List<String> prompts, List<Long> seeds, NDManager manager,
                                 ChunkSampler sampler) {
        Shape one = new Shape(1, d.latentChannels(), d.latentHeight(), d.latentWidth());
        int per = Math.toIntExact(one.size());
        float[] all = new float[prompts.size() * per];
        for (int from = 0; from < prompts.size(); from += CHUNK) {
            int to = Math.min(prompts.size(), from + CHUNK);
            try (NDManager sub = manager.newSubManager()) {
                NDList noise = new NDList();
                List<Random> generators = new ArrayList<>();
                for (long seed : seeds.subList(from, to)) {
                    Random rng = new Random(seed);
                    noise.add(RectifiedFlow.gaussian(sub, one, rng));
                    generators.add(rng);
                }
                float[] latents = sampler.sample(sub, NDArrays.concat(noise, 0), prompts.subList(from, to), generators)
                        .toFloatArray();
                System.arraycopy(latents, 0, all, from * per, latents.length);
            }
        }
        return all;
    }
}
