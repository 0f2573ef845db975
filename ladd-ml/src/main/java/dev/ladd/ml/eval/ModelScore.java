package dev.ladd.ml.eval;

import dev.ladd.ml.metrics.ModelBench;

/**
 * One model's scores on the evaluation set: a student checkpoint at a step count, or a teacher at a step count
 * with CFG (eval-service's scores, the {@code report} and {@code baselines} commands' rows). Quality from
 * {@link dev.ladd.ml.metrics.SampleScorer}, speed from {@link dev.ladd.ml.metrics.SpeedMeter}.
 *
 * @param sampler           "student" or "teacher"
 * @param steps             sampler steps (network evaluations per sample, twice that for the teacher with CFG)
 * @param cfgScale          classifier-free guidance scale; 0 for the unguided student
 * @param adherence         share of samples the classifier puts in their prompt's class (NaN: no prompt named one)
 * @param imagesPerSecond   throughput at batch 64
 * @param samples           size of the evaluation set the quality numbers were measured on
 */
public record ModelScore(String sampler, int steps, double cfgScale, double fid, double precision, double recall,
                         double adherence, double msPerImageBatch1, double msPerImageBatch64, double imagesPerSecond,
                         int samples) {

    public static final String STUDENT = "student";
    public static final String TEACHER = "teacher";

    public static ModelScore of(String sampler, int steps, double cfgScale, ModelBench.Result result) {
        return new ModelScore(sampler, steps, cfgScale, result.score().fid(), result.score().precision(),
                result.score().recall(), result.score().adherence(), result.speed().msPerImageBatch1(),
                result.speed().msPerImageBatch64(), result.speed().imagesPerSecond(), result.score().samples());
    }

    /** How many times faster per image than {@code baseline}, at batch 1. */
    public double speedUpBatch1Over(ModelScore baseline) {
        return baseline.msPerImageBatch1 / msPerImageBatch1;
    }

    /** How many times faster per image than {@code baseline}, at batch 64. */
    public double speedUpBatch64Over(ModelScore baseline) {
        return baseline.msPerImageBatch64 / msPerImageBatch64;
    }
}
