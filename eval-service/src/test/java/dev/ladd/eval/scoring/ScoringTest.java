package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.eval.TinyModels;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.ladd.Student;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The scoring worker over a real broker and a real PostgreSQL, with tiny models made in the test: a
 * checkpoint delivered twice is scored once, with its teacher's baselines computed once for all its
 * checkpoints, and the numbers are those of the models it was sent; a checkpoint whose student is not a
 * student is refused by the worker.
 */
@ServiceIntegrationTest
class ScoringTest extends EventContract {

    @DynamicPropertySource
    static void scoringSettings(DynamicPropertyRegistry registry) {
        registry.add("ladd.eval.classifier-dir", () -> TinyModels.classifierDir().toString());
        for (String property : TinyModels.SCORING_PROPERTIES) {
            registry.add(property.substring(0, property.indexOf('=')), () -> property.substring(property.indexOf('=') + 1));
        }
    }

    @Autowired
    BlobStore blobs;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    JdbcTemplate jdbc;

    boolean inState(String checkpointId, String state) {
        return checkpoints.find(checkpointId).map(c -> c.state().equals(state)).orElse(false);
    }

    List<CheckpointScored> scoredEvents(String runId) {
        return kafka.readEvents(Topics.CHECKPOINT_SCORES, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(EventEnvelope::getCheckpointScored).filter(s -> s.getRunId().equals(runId)).toList();
    }

    @Test
    void aCheckpointDeliveredTwiceIsScoredOnceAgainstBaselinesComputedOncePerTeacher() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 41);
        String runId = "run-" + suffix;
        String first = runId + "/step-2";
        String second = runId + "/step-4";
        EventEnvelope event = family.published(runId, first, 2);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.CHECKPOINTS, runId, event,
                family.published(runId, second, 4), () -> inState(second, "scored"), () -> { });
        await().atMost(Duration.ofSeconds(90)).until(() -> inState(first, "scored"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(runId)).hasSize(2));
        Map<String, CheckpointScored> scored = scoredEvents(runId).stream()
                .collect(Collectors.toMap(CheckpointScored::getCheckpointId, Function.identity()));
        assertThat(scored).containsOnlyKeys(first, second);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM teacher_baseline WHERE teacher_id = ?", Integer.class,
                family.teacherId())).as("baselines once per teacher, not per checkpoint").isEqualTo(2);
        List<Score> baselines = scored.get(first).getScoresList().stream().filter(s -> s.getSampler().equals("teacher")).toList();
        assertThat(scored.get(second).getScoresList()).containsAll(baselines);

        // the numbers are those of the models the event named, on the evaluation set: recomputed here
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = AutoencoderTraining.load(CheckpointManifests.read(blobs.get(family.autoencoder().manifest())),
                    blobs.get(family.autoencoder().weights()), manager);
            try (SampleScorer scorer = new SampleScorer(TinyModels.classifierDir(), autoencoder, 20);
                 Student student = Student.load(blobs.get(family.student().weights()),
                         CheckpointManifests.read(blobs.get(family.student().manifest())));
                 Teacher teacher = Teacher.load(blobs.get(family.teacher().weights()),
                         CheckpointManifests.read(blobs.get(family.teacher().manifest())))) {
                for (int steps : new int[]{1, 2}) {
                    SampleScorer.Score expected = scorer.score(student.sample(scorer.prompts(), scorer.seeds(), steps));
                    Score actual = scored.get(first).getScoresList().stream()
                            .filter(s -> s.getSampler().equals("student") && s.getSteps() == steps).findFirst().orElseThrow();
                    assertMatches(actual, expected);
                }
                SampleScorer.Score teacherAtOne = scorer.score(teacher.sample(scorer.prompts(), scorer.seeds(), 1, 1.5, 1.0));
                assertMatches(baselines.stream().filter(s -> s.getSteps() == 1).findFirst().orElseThrow(), teacherAtOne);
            }
        }
        for (Score s : scored.get(first).getScoresList()) {
            assertThat(s.getMsPerImageBatch1()).isPositive();
            assertThat(s.getMsPerImageBatch64()).isPositive();
            assertThat(s.getImagesPerSecond()).isCloseTo(1000 / s.getMsPerImageBatch64(), within(1e-9));
            assertThat(s.getNumSamples()).isEqualTo(20);
        }
    }

    private static void assertMatches(Score actual, SampleScorer.Score expected) {
        assertThat(actual.getFid()).isCloseTo(expected.fid(), within(1e-6 * Math.max(1, expected.fid())));
        assertThat(actual.getPrecision()).isEqualTo(expected.precision());
        assertThat(actual.getRecall()).isEqualTo(expected.recall());
        assertThat(actual.getPromptAdherence()).isEqualTo(expected.adherence());
    }

    @Test
    void aCheckpointWhoseStudentIsNotAStudentIsRefusedByTheWorkerWithTheReason() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 51);
        String runId = "run-" + suffix;
        String id = runId + "/step-1";
        EventEnvelope teacherAsStudent = family.published(runId, id, 1).toBuilder().setCheckpointPublished(
                family.published(runId, id, 1).getCheckpointPublished().toBuilder()
                        .setWeights(family.teacher().weightsRef()).setManifest(family.teacher().manifestRef())).build();

        kafka.send(Topics.CHECKPOINTS, runId, teacherAsStudent);

        await().atMost(Duration.ofSeconds(90)).until(() -> inState(id, "refused"));
        CheckpointRecord refused = checkpoints.find(id).orElseThrow();
        assertThat(refused.refusalReason()).startsWith("student (weights " + family.teacher().weights().sha256() + ")")
                .contains("not a student");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(runId)).singleElement()
                .satisfies(e -> assertThat(e.getRefusalReason()).isEqualTo(refused.refusalReason())));
    }
}
