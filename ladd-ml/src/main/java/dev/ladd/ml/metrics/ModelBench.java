package dev.ladd.ml.metrics;

import dev.ladd.ml.nn.Autoencoder;

import java.util.List;

/**
 * Measures models the one way they are compared here: quality on the evaluation set ({@link SampleScorer}:
 * FID, precision, recall, adherence of the decoded samples) and speed on its first {@value SpeedMeter#LARGE_BATCH}
 * prompts ({@link SpeedMeter}: sampling plus decoding, at batch 1 and 64). Give every compared model to the
 * same bench, in the same process, so that their speeds are comparable.
 */
public final class ModelBench {

    /** A model with its sampler settings: normalized latents [n · C · h · w] for n prompts and seeds. */
    @FunctionalInterface
    public interface LatentSampler {
        float[] sample(List<String> prompts, List<Long> seeds);
    }

    /** One model's quality and speed. */
    public record Result(SampleScorer.Score score, SpeedMeter.Speed speed) {
    }

    private final SampleScorer scorer;
    private final SpeedMeter meter;
    private final Autoencoder autoencoder;
    private final List<String> timingPrompts = SampleScorer.evaluationPrompts(SpeedMeter.LARGE_BATCH);
    private final List<Long> timingSeeds = SampleScorer.evaluationSeeds(SpeedMeter.LARGE_BATCH);

    /** @param autoencoder the decoder of the models' latent space (the scorer's own) */
    public ModelBench(SampleScorer scorer, SpeedMeter meter, Autoencoder autoencoder) {
        this.scorer = scorer;
        this.meter = meter;
        this.autoencoder = autoencoder;
    }

    /** Scores the model's samples for the evaluation set, then times it. */
    public Result measure(LatentSampler model) {
        return measure(model, model.sample(scorer.prompts(), scorer.seeds()));
    }

    /**
     * Scores {@code latents}, the model's samples for the evaluation set made beforehand (e.g. in parts, as
     * eval-service does so that long work can be interrupted), then times the model.
     */
    public Result measure(LatentSampler model, float[] latents) {
        SampleScorer.Score score = scorer.score(latents);
        SpeedMeter.Speed speed = meter.measure((prompts, seeds) -> autoencoder.decodeLatents(model.sample(prompts, seeds)),
                timingPrompts, timingSeeds);
        return new Result(score, speed);
    }
}
