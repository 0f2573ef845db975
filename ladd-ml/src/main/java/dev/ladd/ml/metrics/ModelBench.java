package dev.ladd.ml.metrics;

import dev.ladd.ml.pipeline.Pipeline;

import java.util.List;

/**
 * Measures models the one way they are compared here: quality on the evaluation set ({@link SampleScorer}:
 * FID, precision, recall, adherence of the decoded samples) and speed on its first {@value SpeedMeter#LARGE_BATCH}
 * prompts ({@link SpeedMeter}: the pipeline's sampling plus decoding, at batch 1 and 64). Give every compared
 * model to the same bench, in the same process, so that their speeds are comparable.
 */
public final class ModelBench {

    /** One model's quality and speed. */
    public record Result(SampleScorer.Score score, SpeedMeter.Speed speed) {
    }

    private final SampleScorer scorer;
    private final SpeedMeter meter;
    private final List<String> timingPrompts = SampleScorer.evaluationPrompts(SpeedMeter.LARGE_BATCH);
    private final List<Long> timingSeeds = SampleScorer.evaluationSeeds(SpeedMeter.LARGE_BATCH);

    public ModelBench(SampleScorer scorer, SpeedMeter meter) {
        this.scorer = scorer;
        this.meter = meter;
    }

    /** Scores the pipeline's latents for the evaluation set, then times it. */
    public Result measure(Pipeline pipeline) {
        return measure(pipeline, pipeline.latents(scorer.prompts(), scorer.seeds()));
    }

    /**
     * Scores {@code latents}, the pipeline's samples for the evaluation set made beforehand (e.g. in parts, as
     * eval-service does so that long work can be interrupted), then times the pipeline (latents and decoding).
     */
    public Result measure(Pipeline pipeline, float[] latents) {
        SampleScorer.Score score = scorer.score(latents);
        SpeedMeter.Speed speed = meter.measure(pipeline::images, timingPrompts, timingSeeds);
        return new Result(score, speed);
    }
}
