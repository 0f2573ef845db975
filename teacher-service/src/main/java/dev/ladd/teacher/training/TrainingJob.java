package dev.ladd.teacher.training;

import java.time.Instant;

/** A training job as the API shows it. */
public record TrainingJob(String jobId, String teacherId, String baseTeacher, String state, long step, long totalSteps,
                          Double loss, Long etaSeconds, String error, Instant createdAt, Instant updatedAt) {
}
