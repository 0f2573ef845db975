package dev.ladd.ml.pipeline;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.diffusion.Sampler;
import dev.ladd.ml.diffusion.SeededBatches;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.DenoiserConfig;

import java.util.List;
import java.util.Objects;

/**
 * Prompt → latents → image, as a diffusers pipeline: a {@link FlowModel} sampled by a {@link Sampler} from
 * seeded noise, decoded by the {@link Autoencoder} of its latent space. Sample i starts from
 * {@code gaussian(Random(seed_i))} and any re-noising draws from that same generator ({@link SeededBatches}),
 * so a sample depends only on its own prompt and seed, never on its batch. The pipeline owns nothing: close
 * the model and the autoencoder's manager yourself.
 */
public final class Pipeline {

    private final FlowModel model;
    private final Sampler sampler;
    private final Autoencoder autoencoder;

    /** @param autoencoder the decoder of the model's latent space; null for a pipeline that makes latents only */
    public Pipeline(FlowModel model, Sampler sampler, Autoencoder autoencoder) {
        this.model = Objects.requireNonNull(model, "model");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.autoencoder = autoencoder;
    }

    /** A pipeline that makes normalized latents only (no decoder), e.g. for synthetic training data. */
    public static Pipeline latentsOnly(FlowModel model, Sampler sampler) {
        return new Pipeline(model, sampler, null);
    }

    public FlowModel model() {
        return model;
    }

    public Sampler sampler() {
        return sampler;
    }

    public Autoencoder autoencoder() {
        return autoencoder;
    }

    /** Side of the square images it makes (32 for Fashion-MNIST). */
    public int imageSize() {
        return requireAutoencoder().config().imageSize();
    }

    /**
     * One normalized latent per (prompt, seed), in chunks of {@value SeededBatches#CHUNK}; the arrays of the
     * sampling are freed, the weights kept.
     *
     * @return latents [prompts.size() · C · h · w]
     */
    public float[] latents(List<String> prompts, List<Long> seeds) {
        try (NDManager fallback = model.ownsWeights() ? null : NDManager.newBaseManager();
             NDManager scratch = model.scratch(fallback)) {
            return SeededBatches.sample(model.denoiser(), prompts, seeds, scratch, (chunk, start, texts, generators) ->
                    sampler.sample(model.network(), model.tokenizer(), start, texts, generators));
        }
    }

    /**
     * A shard of synthetic latents for LADD: {@link #latents} with the prompts and seeds that made them and the
     * teacher's sampler settings (the sampler must be an {@link EulerSampler} without timestep shift).
     */
    public LatentShard syntheticShard(String teacherId, List<String> prompts, List<Long> seeds) {
        if (!(sampler instanceof EulerSampler euler) || euler.shift() != 1.0) {
            throw new IllegalStateException("synthetic shards are sampled by the teacher's Euler sampler without shift, not "
                    + sampler);
        }
        DenoiserConfig d = model.denoiser();
        return new LatentShard(teacherId, euler.steps(), (float) euler.guidanceScale(),
                new long[]{d.latentChannels(), d.latentHeight(), d.latentWidth()}, latents(prompts, seeds), prompts, seeds);
    }

    /** Images [prompts.size() · C · H · W] in [−1, 1]: {@link #latents} decoded. */
    public float[] images(List<String> prompts, List<Long> seeds) {
        return decode(latents(prompts, seeds));
    }

    /** Decodes latents this pipeline made (e.g. kept for scoring) into images in [−1, 1]. */
    public float[] decode(float[] latents) {
        return requireAutoencoder().decodeLatents(latents);
    }

    private Autoencoder requireAutoencoder() {
        if (autoencoder == null) {
            throw new IllegalStateException("this pipeline makes latents only: it has no autoencoder to decode them");
        }
        return autoencoder;
    }
}
