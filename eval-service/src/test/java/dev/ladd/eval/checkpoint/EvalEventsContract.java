package dev.ladd.eval.checkpoint;

import dev.ladd.eval.TinyModels;
import dev.ladd.eval.scoring.CheckpointScoring;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * eval-service's consumer over a real broker and a real PostgreSQL, with the scoring worker switched off:
 * the intake (verification, refusal, idempotence), scoring driven step by step (an interrupted run and its
 * restart), and the HTTP API.
 */
abstract class EvalEventsContract extends EventContract {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void scoringSettings(DynamicPropertyRegistry registry) {
        registry.add("ladd.eval.worker.enabled", () -> "false");
        registry.add("ladd.eval.classifier-dir", () -> TinyModels.classifierDir().toString());
        for (String property : TinyModels.SCORING_PROPERTIES) {
            registry.add(property.substring(0, property.indexOf('=')), () -> property.substring(property.indexOf('=') + 1));
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    CheckpointScoring scoring;
    @Autowired
    BlobStore blobs;
    @Value("${ladd.blob-store.root}")
    Path blobRoot;
    @LocalServerPort
    int port;

    static BlobRef ref(BlobId id) {
        return TinyModels.ref(id);
    }

    /** A checkpoint whose six blobs exist and match their checksums (their contents are not models). */
    EventEnvelope validCheckpoint(String checkpointId) throws Exception {
        CheckpointPublished.Builder c = CheckpointPublished.newBuilder().setRunId("run-1").setCheckpointId(checkpointId)
                .setStep(100).setTeacherId("teacher-1")
                .setWeights(ref(blob("weights of " + checkpointId))).setManifest(ref(blob("manifest of " + checkpointId)))
                .setTeacherWeights(ref(blob("teacher weights"))).setTeacherManifest(ref(blob("teacher manifest")))
                .setAutoencoderWeights(ref(blob("autoencoder weights")))
                .setAutoencoderManifest(ref(blob("autoencoder manifest")));
        return published(c);
    }

    static EventEnvelope published(CheckpointPublished.Builder checkpoint) {
        return TestEvents.from("trainer-service", checkpoint.getRunId(),
                EventEnvelope.newBuilder().setCheckpointPublished(checkpoint));
    }

    BlobId blob(String content) throws Exception {
        return blobs.put(content.getBytes(StandardCharsets.UTF_8));
    }

    boolean recorded(String checkpointId) {
        return checkpoints.find(checkpointId).isPresent();
    }

    List<CheckpointScored> scoredEvents(String checkpointId) {
        return kafka.readEvents(Topics.CHECKPOINT_SCORES, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(EventEnvelope::getCheckpointScored).filter(s -> s.getCheckpointId().equals(checkpointId)).toList();
    }

    CheckpointRecord refusedOnceAnnounced(String checkpointId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(checkpointId));
        CheckpointRecord c = checkpoints.find(checkpointId).orElseThrow();
        assertThat(c.state()).isEqualTo("refused");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scoredEvents(checkpointId)).singleElement()
                .satisfies(e -> {
                    assertThat(e.getRefused()).isTrue();
                    assertThat(e.getRefusalReason()).isEqualTo(c.refusalReason());
                    assertThat(e.getScoresList()).isEmpty();
                }));
        return c;
    }

    @Test
    void aCheckpointDeliveredTwiceIsRecordedOnce() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        String marker = "ckpt-" + UUID.randomUUID();
        EventEnvelope event = validCheckpoint(id);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.CHECKPOINTS, "run-1", event, validCheckpoint(marker),
                () -> recorded(marker), () -> {
                    assertThat(checkpoints.find(id)).get().extracting(CheckpointRecord::state).isEqualTo("pending");
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, event.getEventId())).isEqualTo(1);
                    assertThat(checkpoints.models(id).autoencoder().weights().sha256())
                            .isEqualTo(event.getCheckpointPublished().getAutoencoderWeights().getSha256());
                });
    }

    @Test
    void aCheckpointWhoseWeightsFailTheChecksumIsRefusedAndAnnounced() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        BlobRef missingWeights = BlobRef.newBuilder().setSha256("ab".repeat(32)).setSizeBytes(10).build();
        CheckpointPublished.Builder c = validCheckpoint(id).getCheckpointPublished().toBuilder().setWeights(missingWeights);

        kafka.send(Topics.CHECKPOINTS, "run-1", published(c));

        CheckpointRecord refused = refusedOnceAnnounced(id);
        assertThat(refused.refusalReason()).startsWith("student weights: ").contains("ab".repeat(32))
                .doesNotContain("teacher").doesNotContain("autoencoder");
    }

    @Test
    void aCheckpointWhoseTeacherWeightsWereDamagedInTheStoreIsRefusedNamingThem() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        BlobId damaged = blob("teacher weights only this test uses " + id);   // blobs are shared by content
        Path file = blobRoot.resolve("sha256").resolve(damaged.sha256().substring(0, 2)).resolve(damaged.sha256());
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x55;
        file.toFile().setWritable(true);
        Files.write(file, bytes);
        CheckpointPublished.Builder c = validCheckpoint(id).getCheckpointPublished().toBuilder()
                .setTeacherWeights(ref(damaged));

        kafka.send(Topics.CHECKPOINTS, "run-1", published(c));

        CheckpointRecord refused = refusedOnceAnnounced(id);
        assertThat(refused.refusalReason()).startsWith("teacher weights: ").contains(damaged.sha256());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM teacher WHERE teacher_id = 'teacher-1' AND weights_sha256 = ?",
                Integer.class, damaged.sha256())).as("a refused checkpoint's teacher is not recorded").isZero();
    }

    /** A trainer older than the autoencoder claim checks sends none: nothing could decode the student's latents. */
    @Test
    void aCheckpointWithoutItsAutoencoderIsRefusedNamingWhatIsMissing() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        CheckpointPublished.Builder c = validCheckpoint(id).getCheckpointPublished().toBuilder()
                .clearAutoencoderWeights().clearAutoencoderManifest();

        kafka.send(Topics.CHECKPOINTS, "run-1", published(c));

        assertThat(refusedOnceAnnounced(id).refusalReason())
                .isEqualTo("autoencoder weights: missing from the event; autoencoder manifest: missing from the event");
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextCheckpointIsStillRecorded() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.CHECKPOINTS, "eval-service",
                "run-1", validCheckpoint(id), () -> recorded(id));
    }

    /** Sends a tiny family's checkpoint and waits until it is recorded as pending. */
    String pendingCheckpoint(TinyModels.Family family, String runId, int step) {
        String id = runId + "/step-" + step;
        kafka.send(Topics.CHECKPOINTS, runId, family.published(runId, id, step));
        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(id));
        assertThat(checkpoints.find(id).orElseThrow().state()).isEqualTo("pending");
        return id;
    }

    int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    /**
     * Scoring stopped half-way — after the teacher's baselines, between the student's step counts, as a crash
     * or a shutdown would — leaves the checkpoint pending with nothing published; the next run computes only
     * the student's scores, and the checkpoint is announced exactly once however often it is handed over.
     */
    @Test
    void scoringStoppedHalfWayIsDoneAgainWithoutRecomputingTheBaselinesAndPublishedOnce() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 21);
        String id = pendingCheckpoint(family, "run-" + suffix, 2);
        AtomicInteger checks = new AtomicInteger();

        // two teacher baselines, then the student's first step count: stopped before its second
        assertThat(scoring.score(id, () -> checks.incrementAndGet() <= 3)).isEqualTo(CheckpointScoring.Outcome.STOPPED);

        assertThat(checkpoints.find(id).orElseThrow().state()).isEqualTo("pending");
        assertThat(count("SELECT count(*) FROM teacher_baseline WHERE teacher_id = ?", family.teacherId())).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM checkpoint_score WHERE checkpoint_id = ?", id)).isZero();
        Timestamp baselinesAt = jdbc.queryForObject("SELECT max(scored_at) FROM teacher_baseline WHERE teacher_id = ?",
                Timestamp.class, family.teacherId());

        assertThat(scoring.score(id, () -> true)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(scoring.score(id, () -> true)).isEqualTo(CheckpointScoring.Outcome.NOT_PENDING);

        assertThat(checkpoints.find(id).orElseThrow().state()).isEqualTo("scored");
        assertThat(jdbc.queryForObject("SELECT max(scored_at) FROM teacher_baseline WHERE teacher_id = ?", Timestamp.class,
                family.teacherId())).as("baselines not computed again").isEqualTo(baselinesAt);
        assertThat(count("SELECT count(*) FROM teacher_baseline WHERE teacher_id = ?", family.teacherId())).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM checkpoint_score WHERE checkpoint_id = ?", id)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(id)).isNotEmpty());
        CheckpointScored scored = scoredEvents(id).stream().reduce((a, b) -> {
            throw new AssertionError("CheckpointScored published twice for " + id);
        }).orElseThrow();
        assertThat(scored.getRefused()).isFalse();
        assertThat(scored.getTeacherId()).isEqualTo(family.teacherId());
        assertThat(scored.getScoresList()).extracting(Score::getSampler, Score::getSteps, Score::getCfgScale)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("student", 1, 0f),
                        org.assertj.core.groups.Tuple.tuple("student", 2, 0f),
                        org.assertj.core.groups.Tuple.tuple("teacher", 3, 1.5f),
                        org.assertj.core.groups.Tuple.tuple("teacher", 1, 1.5f));
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode json(HttpResponse<byte[]> response) {
        return JSON.readTree(response.body());
    }

    static String encoded(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    void assertProblem(HttpResponse<byte[]> response, int status, String detail) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(json(response).path("detail").asString()).contains(detail);
    }

    @Test
    void theApiShowsScoresBaselinesAndGridsAndAnswersBadRequestsWithProblems() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 31);
        String runId = "run-" + suffix;
        String id = pendingCheckpoint(family, runId, 4);
        assertThat(scoring.score(id, () -> true)).isEqualTo(CheckpointScoring.Outcome.SCORED);

        HttpResponse<byte[]> checkpoint = get("/api/v1/checkpoints/" + encoded(id));
        assertThat(checkpoint.statusCode()).isEqualTo(200);
        JsonNode c = json(checkpoint);
        assertThat(c.path("checkpointId").asString()).isEqualTo(id);
        assertThat(c.path("state").asString()).isEqualTo("scored");
        assertThat(c.path("scores").size()).isEqualTo(2);
        JsonNode twoSteps = c.path("scores").get(1);
        assertThat(twoSteps.path("steps").asInt()).isEqualTo(2);
        assertThat(twoSteps.path("samples").asInt()).isEqualTo(20);
        assertThat(twoSteps.path("fid").asDouble()).isEqualTo(jdbc.queryForObject(
                "SELECT fid FROM checkpoint_score WHERE checkpoint_id = ? AND steps = 2", Double.class, id));
        assertThat(twoSteps.path("imagesPerSecond").asDouble())
                .isCloseTo(1000 / twoSteps.path("msPerImageBatch64").asDouble(), org.assertj.core.api.Assertions.within(1e-6));

        JsonNode run = json(get("/api/v1/runs/" + runId + "/scores"));
        assertThat(run.path("checkpoints").size()).isEqualTo(1);
        assertThat(run.path("checkpoints").get(0).path("scores")).isEqualTo(c.path("scores"));

        JsonNode baselines = json(get("/api/v1/teachers/" + family.teacherId() + "/baselines"));
        assertThat(baselines.path("weightsSha256").asString()).isEqualTo(family.teacher().weights().sha256());
        assertThat(baselines.path("baselines").size()).isEqualTo(2);
        assertThat(baselines.path("baselines").get(0).path("steps").asInt()).as("the full step count first").isEqualTo(3);
        assertThat(baselines.path("baselines").get(0).path("cfgScale").asDouble()).isEqualTo(1.5);

        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(get("/api/v1/checkpoints/" + encoded(id)
                + "/grid.png?steps=2").body()));
        assertThat(grid.getWidth()).isEqualTo(8 * (28 + 2) + 2);    // 8 seeds
        assertThat(grid.getHeight()).isEqualTo(10 * (28 + 2) + 2);  // 10 classes
        HttpResponse<byte[]> teacherGrid = get("/api/v1/teachers/" + family.teacherId() + "/grid.png?steps=3&cfg=1.5");
        assertThat(teacherGrid.statusCode()).isEqualTo(200);
        assertThat(teacherGrid.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(teacherGrid.body()).isNotEqualTo(get("/api/v1/checkpoints/" + encoded(id) + "/grid.png?steps=3").body());

        assertProblem(get("/api/v1/checkpoints/no-such-checkpoint"), 404, "no checkpoint with id 'no-such-checkpoint'");
        assertProblem(get("/api/v1/checkpoints/no-such-checkpoint/grid.png"), 404, "no-such-checkpoint");
        assertProblem(get("/api/v1/runs/no-such-run/scores"), 404, "no-such-run");
        assertProblem(get("/api/v1/teachers/nobody/baselines"), 404, "no teacher 'nobody'");
        assertProblem(get("/api/v1/teachers/nobody/grid.png"), 404, "no teacher 'nobody'");
        assertProblem(get("/api/v1/checkpoints/" + encoded(id) + "/grid.png?steps=0"), 400, "");
        assertProblem(get("/api/v1/checkpoints/" + encoded(id) + "/grid.png?steps=17"), 400, "");
        assertProblem(get("/api/v1/checkpoints/" + encoded(id) + "/grid.png?steps=four"), 400, "");
        assertProblem(get("/api/v1/teachers/" + family.teacherId() + "/grid.png?steps=201"), 400, "");
        assertProblem(get("/api/v1/teachers/" + family.teacherId() + "/grid.png?cfg=21"), 400, "");

        String refused = "ckpt-" + UUID.randomUUID();
        kafka.send(Topics.CHECKPOINTS, "run-1", published(validCheckpoint(refused).getCheckpointPublished().toBuilder()
                .clearTeacherManifest()));
        refusedOnceAnnounced(refused);
        assertProblem(get("/api/v1/checkpoints/" + refused + "/grid.png"), 409, "was refused");
    }
}
