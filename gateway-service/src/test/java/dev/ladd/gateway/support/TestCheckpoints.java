package dev.ladd.gateway.support;

import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.events.v1.ScoringPass;
import dev.ladd.platform.test.TestEvents;

/** The trainer's and eval-service's checkpoint events, as the gateway consumes them. */
public final class TestCheckpoints {

    private TestCheckpoints() {
    }

    public static BlobRef blob(String name) {
        return BlobRef.newBuilder().setSha256(Integer.toHexString(name.hashCode()) + "0".repeat(56)).setSizeBytes(100)
                .setMediaType("application/octet-stream").build();
    }

    public static EventEnvelope published(String runId, String checkpointId, int step) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setCheckpointPublished(
                CheckpointPublished.newBuilder().setRunId(runId).setCheckpointId(checkpointId).setStep(step)
                        .setTeacherId("default").setStudent(ModelRef.newBuilder().setWeights(blob(checkpointId + "w")).setManifest(blob(checkpointId + "m")))
                        .setAutoencoder(ModelRef.newBuilder().setWeights(blob("ae-w")).setManifest(blob("ae-m")))
                        .setTeacher(ModelRef.newBuilder().setWeights(blob("t-w")).setManifest(blob("t-m")))));
    }

    /** A CheckpointScored as an eval-service older than the scoring passes sent it (no pass: read as full). */
    public static EventEnvelope scored(String runId, String checkpointId, int step, double fid4, double ms4) {
        return scored(runId, checkpointId, step, ScoringPass.SCORING_PASS_UNSPECIFIED, 100, fid4, ms4);
    }

    /** A pass's CheckpointScored: the student at 1, 2 and 4 steps (FID at 4 as given, the others 10 worse). */
    public static EventEnvelope scored(String runId, String checkpointId, int step, ScoringPass pass, int samples,
                                       double fid4, double ms4) {
        CheckpointScored.Builder scored = CheckpointScored.newBuilder().setRunId(runId).setCheckpointId(checkpointId)
                .setStep(step).setTeacherId("default").setPass(pass).setNumSamples(samples);
        for (int steps : new int[]{1, 2, 4}) {
            scored.addScores(Score.newBuilder().setSampler("student").setSteps(steps).setFid(steps == 4 ? fid4 : fid4 + 10)
                    .setPrecision(0.5).setRecall(0.4).setPromptAdherence(0.8).setMsPerImageBatch1(steps == 4 ? ms4 : ms4 / 2)
                    .setMsPerImageBatch64(1).setImagesPerSecond(1000).setNumSamples(samples));
        }
        return TestEvents.from("eval-service", runId, EventEnvelope.newBuilder().setCheckpointScored(scored));
    }

    public static EventEnvelope refused(String runId, String checkpointId) {
        return TestEvents.from("eval-service", runId, EventEnvelope.newBuilder().setCheckpointScored(
                CheckpointScored.newBuilder().setRunId(runId).setCheckpointId(checkpointId).setRefused(true)
                        .setRefusalReason("student weights failed their sha256")));
    }
}
