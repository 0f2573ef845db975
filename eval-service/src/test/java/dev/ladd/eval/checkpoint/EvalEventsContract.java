package dev.ladd.eval.checkpoint;

import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.eval.TinyModels;
import dev.ladd.eval.teacher.BaselineImport;
import dev.ladd.ml.eval.BaselinesFile;
import dev.ladd.eval.scoring.CheckpointScoring;
import dev.ladd.eval.scoring.MetricsClassifier;
import dev.ladd.eval.scoring.Pass;
import dev.ladd.eval.scoring.ScoringQueue;
import dev.ladd.eval.scoring.ScoringUnitRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.events.v1.ScoringPass;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * eval-service's consumer over a real broker and a real PostgreSQL, with the scoring worker switched off:
 * the intake (verification, refusal, idempotence), scoring driven step by step (an interrupted run and its
 * restart), and the HTTP API.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class EvalEventsContract extends EventContract {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void scoringSettings(DynamicPropertyRegistry registry) {
        registry.add("ladd.eval.worker.enabled", () -> "false");
        registry.add("ladd.eval.classifier-dir", () -> TinyModels.classifierDir().toString());
        for (String property : TinyModels.SCORING_PROPERTIES) {
            registry.add(property.substring(0, property.indexOf('=')), () -> property.substring(property.indexOf('=') + 1));
        }
        // a malformed shipped file is refused at start with a log line; the service starts all the same
        registry.add("ladd.eval.baseline-files", () -> {
            try {
                return Files.writeString(Files.createTempFile("malformed-baselines", ".json"), "{\"format\": 1}").toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    CheckpointScoring scoring;
    @Autowired
    ScoringQueue queue;
    @Autowired
    BaselineImport baselineImport;
    @Autowired
    MetricsClassifier classifier;
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
                .setStudent(ModelRef.newBuilder().setWeights(ref(blob("weights of " + checkpointId))).setManifest(ref(blob("manifest of " + checkpointId))))
                .setTeacher(ModelRef.newBuilder().setWeights(ref(blob("teacher weights"))).setManifest(ref(blob("teacher manifest"))))
                .setAutoencoder(ModelRef.newBuilder().setWeights(ref(blob("autoencoder weights")))
                .setManifest(ref(blob("autoencoder manifest"))));
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
                            .isEqualTo(event.getCheckpointPublished().getAutoencoder().getWeights().getSha256());
                });
    }

    @Test
    void aCheckpointWhoseWeightsFailTheChecksumIsRefusedAndAnnounced() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        BlobRef missingWeights = BlobRef.newBuilder().setSha256("ab".repeat(32)).setSizeBytes(10).build();
        CheckpointPublished.Builder c = validCheckpoint(id).getCheckpointPublished().toBuilder();
        c.setStudent(c.getStudent().toBuilder().setWeights(missingWeights));

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
        CheckpointPublished.Builder c = validCheckpoint(id).getCheckpointPublished().toBuilder();
        c.setTeacher(c.getTeacher().toBuilder().setWeights(ref(damaged)));

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
                .clearAutoencoder();

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
        String id = runId + "-step-" + step;
        kafka.send(Topics.CHECKPOINTS, runId, family.published(runId, id, step));
        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(id));
        assertThat(checkpoints.find(id).orElseThrow().state()).isEqualTo("pending");
        return id;
    }

    int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    int baselines(String teacherSha, int samples) {
        return count("SELECT count(*) FROM baseline WHERE teacher_weights_sha256 = ? AND num_samples = ?", teacherSha, samples);
    }

    List<Timestamp> unitTimes(String model) {
        return jdbc.queryForList("SELECT created_at FROM scoring_unit WHERE model = ? ORDER BY num_samples, steps, first_sample",
                Timestamp.class, model);
    }

    /** The checkpoint's CheckpointScored events, once each is there (in the order published). */
    List<CheckpointScored> awaitScoredEvents(String checkpointId, int expected) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(checkpointId)).hasSizeGreaterThanOrEqualTo(expected));
        List<CheckpointScored> events = scoredEvents(checkpointId);
        assertThat(events).as("each pass announced once").hasSize(expected);
        return events;
    }

    /**
     * A quick pass, then a full pass in units: stopped after one unit (the service stops), left after one more for
     * a waiting quick pass, then finished — each unit made once, the quick baselines not made again, each pass
     * announced exactly once with its pass and sample count, however often it is handed over.
     */
    @Test
    void aQuickPassThenAFullPassInUnitsThatSurviveAStopAndAYieldEachAnnouncedOnce() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 21);
        String id = pendingCheckpoint(family, "run-" + suffix, 2);
        String teacherSha = family.teacher().weights().sha256();
        String teacherUnits = ScoringUnitRepository.teacher(teacherSha);

        assertThat(scoring.score(id, Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        CheckpointRecord quick = checkpoints.find(id).orElseThrow();
        assertThat(quick.state()).isEqualTo("scored");
        assertThat(quick.scoredPass()).isEqualTo(Pass.QUICK);
        assertThat(baselines(teacherSha, TinyModels.QUICK_SAMPLES)).isEqualTo(2);
        assertThat(unitTimes(teacherUnits)).as("a finished target's units are dropped").isEmpty();
        Timestamp quickBaselinesAt = jdbc.queryForObject("SELECT max(recorded_at) FROM baseline WHERE teacher_weights_sha256 = ?",
                Timestamp.class, teacherSha);

        // the service stops before the full pass's second unit
        AtomicInteger checks = new AtomicInteger();
        assertThat(scoring.score(id, Pass.FULL, () -> checks.incrementAndGet() <= 1, () -> false))
                .isEqualTo(CheckpointScoring.Outcome.STOPPED);
        List<Timestamp> afterStop = unitTimes(teacherUnits);
        assertThat(afterStop).hasSize(1);

        // taken up again, it makes the next unit only, then makes way for a quick pass
        AtomicInteger yieldChecks = new AtomicInteger();
        assertThat(scoring.score(id, Pass.FULL, () -> true, () -> yieldChecks.incrementAndGet() > 1))
                .isEqualTo(CheckpointScoring.Outcome.YIELDED);
        List<Timestamp> afterYield = unitTimes(teacherUnits);
        assertThat(afterYield).hasSize(2);
        assertThat(afterYield.get(0)).as("the committed unit is not made again").isEqualTo(afterStop.get(0));
        assertThat(checkpoints.find(id).orElseThrow().scoredPass()).isEqualTo(Pass.QUICK);

        assertThat(scoring.score(id, Pass.FULL, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(scoring.score(id, Pass.FULL, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.NOT_PENDING);
        assertThat(scoring.score(id, Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.NOT_PENDING);

        CheckpointRecord full = checkpoints.find(id).orElseThrow();
        assertThat(full.scoredPass()).isEqualTo(Pass.FULL);
        assertThat(full.quickScoredAt()).isBefore(full.fullScoredAt());
        assertThat(unitTimes(teacherUnits)).isEmpty();
        assertThat(unitTimes(ScoringUnitRepository.student(id))).isEmpty();
        assertThat(baselines(teacherSha, TinyModels.FULL_SAMPLES)).isEqualTo(2);
        assertThat(baselines(teacherSha, TinyModels.QUICK_SAMPLES)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT max(recorded_at) FROM baseline WHERE teacher_weights_sha256 = ? AND num_samples = ?",
                Timestamp.class, teacherSha, TinyModels.QUICK_SAMPLES)).as("quick baselines not made again").isEqualTo(quickBaselinesAt);
        assertThat(count("SELECT count(*) FROM checkpoint_score WHERE checkpoint_id = ? AND pass = 'quick'", id)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM checkpoint_score WHERE checkpoint_id = ? AND pass = 'full'", id)).isEqualTo(2);

        List<CheckpointScored> events = awaitScoredEvents(id, 2);
        assertThat(events).extracting(CheckpointScored::getPass, CheckpointScored::getNumSamples).containsExactly(
                tuple(ScoringPass.SCORING_PASS_QUICK, TinyModels.QUICK_SAMPLES),
                tuple(ScoringPass.SCORING_PASS_FULL, TinyModels.FULL_SAMPLES));
        for (CheckpointScored event : events) {
            assertThat(event.getRefused()).isFalse();
            assertThat(event.getTeacherId()).isEqualTo(family.teacherId());
            assertThat(event.getScoresList()).extracting(Score::getSampler, Score::getSteps, Score::getCfgScale)
                    .containsExactly(tuple("student", 1, 0f), tuple("student", 2, 0f), tuple("teacher", 3, 1.5f),
                            tuple("teacher", 1, 1.5f));
            assertThat(event.getScoresList()).extracting(Score::getNumSamples).containsOnly(event.getNumSamples());
        }
    }

    /**
     * The worker's order: a checkpoint that arrives while another's full pass runs is taken between two units of
     * that pass, and its quick score comes before the full one.
     */
    @Test
    void aFullPassMakesWayBetweenTwoUnitsForACheckpointThatArrivesMeanwhile() throws Exception {
        jdbc.update("UPDATE checkpoint SET state = 'refused', refusal_reason = 'left pending by another test' "
                + "WHERE state = 'pending'");   // the worker is off here: other tests' pending checkpoints stay so
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 23);
        String runId = "run-" + suffix;
        String first = pendingCheckpoint(family, runId, 2);
        assertThat(scoring.score(first, Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(queue.quickPassWaiting()).isFalse();

        AtomicInteger units = new AtomicInteger();
        String[] second = new String[1];
        BooleanSupplier keepGoing = () -> {
            if (units.incrementAndGet() == 2) {
                second[0] = pendingCheckpoint(family, runId, 4);   // published while the first one's full pass runs
            }
            return true;
        };
        assertThat(scoring.score(first, Pass.FULL, keepGoing, queue::quickPassWaiting))
                .isEqualTo(CheckpointScoring.Outcome.YIELDED);
        assertThat(unitTimes(ScoringUnitRepository.teacher(family.teacher().weights().sha256()))).hasSize(1);

        List<String> order = queue.entries().stream()
                .map(e -> e.checkpoint().checkpointId() + " " + e.pass()).toList();
        assertThat(order).containsSubsequence(second[0] + " quick", first + " full");
        assertThat(scoring.score(second[0], Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(queue.quickPassWaiting()).isFalse();
        assertThat(scoring.score(first, Pass.FULL, () -> true, queue::quickPassWaiting))
                .isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(checkpoints.find(second[0]).orElseThrow().quickScoredAt())
                .isBefore(checkpoints.find(first).orElseThrow().fullScoredAt());
    }

    static BaselinesFile.Entry entry(int samples, int steps, double fid) {
        return new BaselinesFile.Entry(samples, steps, 1.5, fid, 0.5, 0.25, 0.75, 20.0, 2.0, 500.0);
    }

    /** A baselines file for the family's teacher, in a folder holding that teacher and its autoencoder. */
    BaselinesFile shippable(TinyModels.Family family, Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.write(folder.resolve("teacher.safetensors"), blobs.get(family.teacher().weights()));
        Files.write(folder.resolve("autoencoder.safetensors"), blobs.get(family.autoencoder().weights()));
        return new BaselinesFile(BaselinesFile.FORMAT,
                new BaselinesFile.Teacher("teacher.safetensors", family.teacher().weights().sha256(),
                        "autoencoder.safetensors", family.autoencoder().weights().sha256()),
                new BaselinesFile.Classifier(classifier.sha256()),
                new BaselinesFile.EvaluationSet("the evaluation set", 900_000_000L),
                Map.of("command", "made by the test", "date", "2026-12-03T00:00:00Z"),
                List.of(entry(TinyModels.FULL_SAMPLES, 3, 11.5), entry(TinyModels.FULL_SAMPLES, 1, 31.5),
                        entry(TinyModels.QUICK_SAMPLES, 3, 14.5), entry(TinyModels.QUICK_SAMPLES, 1, 34.5)));
    }

    static Path write(Path file, byte[] content) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    /**
     * A shipped baselines file is imported when its teacher and the metrics classifier are those it names, and the
     * imported numbers are what both passes announce: nothing is computed for that teacher. A malformed file, or
     * one made for other weights, is refused with a log line naming what is wrong, and nothing of it is imported.
     */
    @Test
    void shippedBaselinesAreImportedWhenTheyMatchAndRefusedNamingTheProblemOtherwise(@TempDir Path dir,
                                                                                    CapturedOutput output) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 25);
        String teacherSha = family.teacher().weights().sha256();
        BaselinesFile good = shippable(family, dir.resolve("teacher"));

        Path unreadable = write(dir.resolve("teacher/not-json.json"), "{\"format\": ".getBytes(StandardCharsets.UTF_8));
        assertThat(baselineImport.importFile(unreadable)).isEqualTo(BaselineImport.Result.REFUSED);
        assertThat(output.getOut()).contains("baselines file " + unreadable + " refused", "not a baselines file");

        BaselinesFile negative = new BaselinesFile(good.format(), good.teacher(), good.classifier(), good.evaluationSet(),
                good.provenance(), List.of(entry(TinyModels.FULL_SAMPLES, 3, -1), entry(TinyModels.FULL_SAMPLES, 3, 2)));
        Path malformed = write(dir.resolve("teacher/malformed.json"), negative.toJson());
        assertThat(baselineImport.importFile(malformed)).isEqualTo(BaselineImport.Result.REFUSED);
        assertThat(output.getOut()).contains("baselines[0].fid must be within", "baselines[1]: teacher@3+CFG1.5 over 130 "
                + "samples appears twice");

        Path otherTeacher = write(dir.resolve("other/baselines.json"), good.toJson());
        Files.write(dir.resolve("other/teacher.safetensors"), "other weights".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("other/autoencoder.safetensors"), blobs.get(family.autoencoder().weights()));
        assertThat(baselineImport.importFile(otherTeacher)).isEqualTo(BaselineImport.Result.REFUSED);
        assertThat(output.getOut()).contains("the file was made for " + teacherSha);

        BaselinesFile otherClassifier = new BaselinesFile(good.format(), good.teacher(),
                new BaselinesFile.Classifier("ab".repeat(32)), good.evaluationSet(), good.provenance(), good.baselines());
        Path measuredElsewhere = write(dir.resolve("teacher/other-classifier.json"), otherClassifier.toJson());
        assertThat(baselineImport.importFile(measuredElsewhere)).isEqualTo(BaselineImport.Result.REFUSED);
        assertThat(output.getOut()).contains("measured with metrics classifier " + "ab".repeat(32));

        assertThat(baselineImport.importFile(dir.resolve("nowhere/baselines.json"))).isEqualTo(BaselineImport.Result.ABSENT);
        assertThat(baselines(teacherSha, TinyModels.FULL_SAMPLES) + baselines(teacherSha, TinyModels.QUICK_SAMPLES))
                .as("nothing of a refused file").isZero();

        Path shipped = write(dir.resolve("teacher/baselines.json"), good.toJson());
        assertThat(baselineImport.importFile(shipped)).isEqualTo(BaselineImport.Result.IMPORTED);
        assertThat(baselineImport.importFile(shipped)).isEqualTo(BaselineImport.Result.IMPORTED);   // known already: kept
        assertThat(output.getOut()).contains("4 baselines imported, 0 known already", "0 baselines imported, 4 known already");
        assertThat(jdbc.queryForList("SELECT DISTINCT source FROM baseline WHERE teacher_weights_sha256 = ?", String.class,
                teacherSha)).containsExactly("imported from " + shipped.toAbsolutePath().normalize());

        String id = pendingCheckpoint(family, "run-" + suffix, 1);
        assertThat(scoring.score(id, Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        assertThat(scoring.score(id, Pass.FULL, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        List<CheckpointScored> events = awaitScoredEvents(id, 2);
        assertThat(events.get(0).getScoresList()).filteredOn(x -> x.getSampler().equals("teacher"))
                .extracting(Score::getFid).containsExactly(14.5, 34.5);
        assertThat(events.get(1).getScoresList()).filteredOn(x -> x.getSampler().equals("teacher"))
                .extracting(Score::getFid).containsExactly(11.5, 31.5);
        assertThat(count("SELECT count(*) FROM baseline WHERE teacher_weights_sha256 = ?", teacherSha))
                .as("nothing computed for the teacher").isEqualTo(4);
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))).build(),
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

        JsonNode pending = json(get("/api/v1/checkpoints/" + encoded(id)));
        assertThat(pending.path("state").asString()).isEqualTo("pending");
        assertThat(pending.path("scoredPass").isNull()).isTrue();
        assertThat(pending.path("progress").path("pass").asString()).isEqualTo("quick");
        assertThat(pending.path("progress").path("done").asLong()).isZero();
        assertThat(pending.path("progress").path("total").asLong()).as("2 baselines and 2 student step counts of 20")
                .isEqualTo(4 * TinyModels.QUICK_SAMPLES);
        JsonNode queued = json(get("/api/v1/scoring"));
        assertThat(queued.path("quickSamples").asInt()).isEqualTo(TinyModels.QUICK_SAMPLES);
        assertThat(queued.path("fullSamples").asInt()).isEqualTo(TinyModels.FULL_SAMPLES);
        assertThat(queued.path("current").isNull()).as("the worker is off in this test").isTrue();
        assertThat(queued.path("queue").valueStream().filter(e -> e.path("checkpointId").asString().equals(id)).toList())
                .singleElement().satisfies(e -> assertThat(e.path("progress").path("pass").asString()).isEqualTo("quick"));

        assertThat(scoring.score(id, Pass.QUICK, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        JsonNode quick = json(get("/api/v1/checkpoints/" + encoded(id)));
        assertThat(quick.path("state").asString()).isEqualTo("scored");
        assertThat(quick.path("scoredPass").asString()).isEqualTo("quick");
        assertThat(quick.path("scores").valueStream().map(x -> x.path("samples").asInt()).toList())
                .containsExactly(TinyModels.QUICK_SAMPLES, TinyModels.QUICK_SAMPLES);
        assertThat(quick.path("progress").path("pass").asString()).isEqualTo("full");
        assertThat(quick.path("progress").path("total").asLong()).isEqualTo(4 * TinyModels.FULL_SAMPLES);

        assertThat(scoring.score(id, Pass.FULL, () -> true, () -> false)).isEqualTo(CheckpointScoring.Outcome.SCORED);
        HttpResponse<byte[]> checkpoint = get("/api/v1/checkpoints/" + encoded(id));
        assertThat(checkpoint.statusCode()).isEqualTo(200);
        JsonNode c = json(checkpoint);
        assertThat(c.path("checkpointId").asString()).isEqualTo(id);
        assertThat(c.path("state").asString()).isEqualTo("scored");
        assertThat(c.path("scoredPass").asString()).as("the full pass supersedes the quick one").isEqualTo("full");
        assertThat(c.path("progress").isNull()).isTrue();
        assertThat(c.path("quickScores")).isEqualTo(quick.path("scores"));
        assertThat(c.path("scores").size()).isEqualTo(2);
        JsonNode twoSteps = c.path("scores").get(1);
        assertThat(twoSteps.path("steps").asInt()).isEqualTo(2);
        assertThat(twoSteps.path("samples").asInt()).isEqualTo(TinyModels.FULL_SAMPLES);
        assertThat(twoSteps.path("fid").asDouble()).isEqualTo(jdbc.queryForObject(
                "SELECT fid FROM checkpoint_score WHERE checkpoint_id = ? AND pass = 'full' AND steps = 2", Double.class, id));
        assertThat(twoSteps.path("imagesPerSecond").asDouble())
                .isCloseTo(1000 / twoSteps.path("msPerImageBatch64").asDouble(), org.assertj.core.api.Assertions.within(1e-6));

        JsonNode run = json(get("/api/v1/runs/" + runId + "/scores"));
        assertThat(run.path("checkpoints").size()).isEqualTo(1);
        assertThat(run.path("checkpoints").get(0).path("scores")).isEqualTo(c.path("scores"));
        assertThat(run.path("checkpoints").get(0).path("quickScores")).isEqualTo(c.path("quickScores"));

        JsonNode baselines = json(get("/api/v1/teachers/" + family.teacherId() + "/baselines"));
        assertThat(baselines.path("weightsSha256").asString()).isEqualTo(family.teacher().weights().sha256());
        assertThat(baselines.path("classifierSha256").asString()).hasSize(64);
        assertThat(baselines.path("baselines").valueStream().map(b -> b.path("steps").asInt() + "/"
                + b.path("samples").asInt() + "/" + b.path("pass").asString() + "/" + b.path("source").asString()).toList())
                .as("the full step count first, the larger set first").containsExactly(
                        "3/130/full/computed", "3/20/quick/computed", "1/130/full/computed", "1/20/quick/computed");
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
        CheckpointPublished.Builder withoutTeacherManifest = validCheckpoint(refused).getCheckpointPublished().toBuilder();
        withoutTeacherManifest.setTeacher(withoutTeacherManifest.getTeacher().toBuilder().clearManifest());
        kafka.send(Topics.CHECKPOINTS, "run-1", published(withoutTeacherManifest));
        refusedOnceAnnounced(refused);
        assertProblem(get("/api/v1/checkpoints/" + refused + "/grid.png"), 409, "was refused");
    }
}
