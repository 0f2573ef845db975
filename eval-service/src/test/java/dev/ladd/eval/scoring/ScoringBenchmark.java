package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDArray;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A benchmark, not part of the build (its name matches no test pattern; run it by name): how long after its
 * publication a checkpoint of the default teacher has its first (quick) score, with the service's own settings
 * (quick 500, full 5,000 samples, the metrics classifier in models/classifier), the real default teacher and a
 * student of its size (its weights: a LADD student starts as a copy of its teacher, so it costs the same to score).
 * Checkpoint 1 arrives at an idle worker; checkpoint 2 arrives once the worker is busy with checkpoint 1's full
 * pass. It prints both delays; speed is measured here, not asserted.
 * <pre>
 *   ./mvnw -B -o -pl eval-service -am verify -Dtest=ScoringBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *          [-Dladd.bench.shipped-baselines=false]     # false: the teacher's baselines are computed, not imported
 * </pre>
 */
@ServiceIntegrationTest
class ScoringBenchmark extends EventContract {

    static final Path MODELS = Path.of("..", "models").toAbsolutePath().normalize();
    static final boolean SHIPPED = !"false".equals(System.getProperty("ladd.bench.shipped-baselines"));

    @DynamicPropertySource
    static void realSettings(DynamicPropertyRegistry registry) {
        registry.add("ladd.eval.classifier-dir", () -> MODELS.resolve("classifier").toString());
        registry.add("ladd.eval.baseline-files", () -> SHIPPED ? MODELS.resolve("default/baselines.json").toString() : "");
        registry.add("ladd.eval.worker.progress-log-interval", () -> "10s");
    }

    @Autowired
    BlobStore blobs;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    ScoringStatus status;

    BlobRef put(byte[] bytes) throws IOException {
        BlobId id = blobs.put(bytes);
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }

    @Test
    void aCheckpointHasItsQuickScoreMinutesAfterItsPublicationAlsoWhileTheWorkerIsBusyWithAFullPass() throws Exception {
        Path teacherDir = MODELS.resolve("default");
        byte[] teacherWeights = Files.readAllBytes(teacherDir.resolve("teacher.safetensors"));
        Checkpoint student;
        try (FlowModel teacher = FlowModelCheckpoint.load(teacherWeights, CheckpointManifests.read(teacherDir.resolve("teacher.json")), FlowModel.Role.TEACHER)) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            teacher.network().getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            student = FlowModelCheckpoint.student(weights, teacher.manifest(), "default", "bench", 0, Map.of(), 0.0);
        }
        String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        CheckpointPublished.Builder checkpoint = CheckpointPublished.newBuilder().setRunId(runId).setTeacherId("default")
                .setStudent(ModelRef.newBuilder().setWeights(put(student.weights())).setManifest(put(student.manifestJson())))
                .setTeacher(ModelRef.newBuilder().setWeights(put(teacherWeights))
                .setManifest(put(Files.readAllBytes(teacherDir.resolve("teacher.json")))))
                .setAutoencoder(ModelRef.newBuilder().setWeights(put(Files.readAllBytes(teacherDir.resolve("autoencoder.safetensors"))))
                .setManifest(put(Files.readAllBytes(teacherDir.resolve("autoencoder.json")))));
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        String first = runId + "-step-250";
        kafka.send(Topics.CHECKPOINTS, runId, TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder()
                .setCheckpointPublished(checkpoint.clone().setCheckpointId(first).setStep(250))));
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> checkpoints.find(first).map(c -> c.quickScoredAt() != null).orElse(false));
        // checkpoint 2 comes while the worker is inside checkpoint 1's full pass (its baselines, if not shipped)
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() -> status.current()
                .map(s -> s.pass() == Pass.FULL && s.done() > 0 && s.subject().equals(first)).orElse(false));
        String fullProgress = status.current().map(Object::toString).orElse("?");
        String second = runId + "-step-500";
        kafka.send(Topics.CHECKPOINTS, runId, TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder()
                .setCheckpointPublished(checkpoint.clone().setCheckpointId(second).setStep(500))));
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> checkpoints.find(second).map(c -> c.quickScoredAt() != null).orElse(false));
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        CheckpointRecord one = checkpoints.find(first).orElseThrow();
        CheckpointRecord two = checkpoints.find(second).orElseThrow();
        assertThat(one.fullScoredAt()).as("checkpoint 2's quick pass came before checkpoint 1's full one").isNull();
        System.out.printf("%nscoring benchmark (shipped baselines %s, %d processors, load average %.1f before, %.1f after)%n"
                        + "  checkpoint 1, worker idle:                  quick score %s after it was recorded%n"
                        + "  checkpoint 2, worker in checkpoint 1's full pass (%s):%n"
                        + "                                              quick score %s after it was recorded%n",
                SHIPPED ? "imported" : "computed", Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                between(one.receivedAt(), one.quickScoredAt()), fullProgress, between(two.receivedAt(), two.quickScoredAt()));
    }

    private static Duration between(Instant from, Instant to) {
        return Duration.between(from, to).withNanos(0);
    }
}
