package dev.ladd.gateway.checkpoint;

/**
 * One of a checkpoint's scores (the student's at some step count, or a teacher baseline) as eval-service sent it.
 *
 * @param pass the scoring pass it comes from: "quick" (a small evaluation set, first) or "full"
 */
public record ScoreRow(String pass, String sampler, int steps, float cfgScale, double fid, double precision, double recall,
                       double promptAdherence, double msPerImageBatch1, double msPerImageBatch64,
                       double imagesPerSecond, int numSamples) {

    public static final String QUICK = "quick";
    public static final String FULL = "full";
}
