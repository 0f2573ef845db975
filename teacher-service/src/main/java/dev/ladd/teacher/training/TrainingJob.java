package dev.ladd.teacher.training;

import java.time.Instant;

/**
 * A training job as the API shows it.
 *
 * @param kind          teacher | autoencoder
 * @param teacherId     teacher job: the teacher it registers; null for an autoencoder job
 * @param baseTeacher   teacher job: the teacher whose autoencoder it trains in, or null
 * @param autoencoderId autoencoder job: the autoencoder it registers; teacher job: the registered autoencoder
 *                      it trains in, or null
 */
public record TrainingJob(String jobId, String kind, String teacherId, String baseTeacher, String autoencoderId,
                          JobState state, long step, long totalSteps, Double loss, Long etaSeconds, String error,
                          Instant createdAt, Instant updatedAt) {
}
