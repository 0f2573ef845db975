package dev.ladd.gateway.checkpoint;

/** One of a checkpoint's scores (the student's at some step count, or a teacher baseline) as eval-service sent it. */
public record ScoreRow(String sampler, int steps, float cfgScale, double fid, double precision, double recall,
                       double promptAdherence, double msPerImageBatch1, double msPerImageBatch64,
                       double imagesPerSecond, int numSamples) {
}
