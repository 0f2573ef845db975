package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.eval.TinyModels;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.events.v1.ScoringPass;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The scoring worker over a real broker and a real PostgreSQL, with tiny models made in the test: a
 * checkpoint delivered twice is scored once in each pass (quick, then full), with its teacher's baselines computed
 * once per sample count for all its checkpoints — also after a restart, for another run of the same teacher — and
 * the numbers are those of the models it was sent; a checkpoint whose student is not a student is refused.
 */
@ServiceIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
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
    @Autowired
    ScoringWorker worker;

    boolean inState(String checkpointId, String state) {
        return checkpoints.find(checkpointId).map(c -> c.state().equals(state)).orElse(false);
    }

    List<CheckpointScored> scoredEvents(String runId) {
        return kafka.readEvents(Topics.CHECKPOINT_SCORES, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(EventEnvelope::getCheckpointScored).filter(s -> s.getRunId().equals(runId)).toList();
    }

    boolean fullyScored(String checkpointId) {
        return checkpoints.find(checkpointId).map(c -> c.scoredPass() == Pass.FULL).orElse(false);
    }

    int baselines(String teacherSha) {
        return jdbc.queryForObject("SELECT count(*) FROM baseline WHERE teacher_weights_sha256 = ?", Integer.class, teacherSha);
    }

    Timestamp baselinesRecordedAt(String teacherSha) {
        return jdbc.queryForObject("SELECT max(recorded_at) FROM baseline WHERE teacher_weights_sha256 = ?", Timestamp.class,
                teacherSha);
    }

    /**
     * A checkpoint delivered twice gets one quick and one full score; its teacher's baselines are computed once per
     * sample count for all its checkpoints, and the numbers are those of the models the event named.
     */
    @Test
    void aCheckpointDeliveredTwiceIsScoredOnceInEachPassAgainstBaselinesComputedOncePerTeacher() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 41);
        String runId = "run-" + suffix;
        String first = runId + "-step-2";
        String second = runId + "-step-4";
        EventEnvelope event = family.published(runId, first, 2);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.CHECKPOINTS, runId, event,
                family.published(runId, second, 4), () -> fullyScored(second), () -> { });
        await().atMost(Duration.ofSeconds(90)).until(() -> fullyScored(first));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(runId)).hasSize(4));
        Map<String, List<CheckpointScored>> scored = scoredEvents(runId).stream()
                .collect(Collectors.groupingBy(CheckpointScored::getCheckpointId));
        assertThat(scored).containsOnlyKeys(first, second);
        for (List<CheckpointScored> passes : scored.values()) {
            assertThat(passes).extracting(CheckpointScored::getPass).as("quick first, then full, each once")
                    .containsExactly(ScoringPass.SCORING_PASS_QUICK, ScoringPass.SCORING_PASS_FULL);
        }
        assertThat(baselines(family.teacher().weights().sha256())).as("baselines once per teacher and sample count, "
                + "not per checkpoint").isEqualTo(4);
        CheckpointScored full = scored.get(first).get(1);
        List<Score> teacherScores = full.getScoresList().stream().filter(s -> s.getSampler().equals("teacher")).toList();
        assertThat(scored.get(second).get(1).getScoresList()).containsAll(teacherScores);

        // the numbers are those of the models the event named, on the evaluation set: recomputed here in one call
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(CheckpointManifests.read(blobs.get(family.autoencoder().manifest())),
                    blobs.get(family.autoencoder().weights()), manager);
            try (SampleScorer scorer = new SampleScorer(TinyModels.classifierDir(), autoencoder, TinyModels.FULL_SAMPLES);
                 SampleScorer quickScorer = new SampleScorer(TinyModels.classifierDir(), autoencoder, TinyModels.QUICK_SAMPLES);
                 FlowModel student = FlowModelCheckpoint.load(blobs.get(family.student().weights()),
                         CheckpointManifests.read(blobs.get(family.student().manifest())), FlowModel.Role.STUDENT);
                 FlowModel teacher = FlowModelCheckpoint.load(blobs.get(family.teacher().weights()),
                         CheckpointManifests.read(blobs.get(family.teacher().manifest())), FlowModel.Role.TEACHER)) {
                for (int steps : new int[]{1, 2}) {
                    assertMatches(student(full, steps), scorer.score(Pipeline.latentsOnly(student, student.studentSampler(steps)).latents(scorer.prompts(), scorer.seeds())));
                }
                assertMatches(student(scored.get(first).get(0), 2),
                        quickScorer.score(Pipeline.latentsOnly(student, student.studentSampler(2)).latents(quickScorer.prompts(), quickScorer.seeds())));
                SampleScorer.Score teacherAtOne = scorer.score(Pipeline.latentsOnly(teacher, new EulerSampler(1, 1.5, 1.0)).latents(scorer.prompts(), scorer.seeds()));
                assertMatches(teacherScores.stream().filter(s -> s.getSteps() == 1).findFirst().orElseThrow(), teacherAtOne);
            }
        }
        for (CheckpointScored pass : scored.get(first)) {
            for (Score s : pass.getScoresList()) {
                assertThat(s.getMsPerImageBatch1()).isPositive();
                assertThat(s.getMsPerImageBatch64()).isPositive();
                assertThat(s.getImagesPerSecond()).isCloseTo(1000 / s.getMsPerImageBatch64(), within(1e-9));
                assertThat(s.getNumSamples()).isEqualTo(pass.getNumSamples());
            }
        }
    }

    private static Score student(CheckpointScored scored, int steps) {
        return scored.getScoresList().stream().filter(s -> s.getSampler().equals("student") && s.getSteps() == steps)
                .findFirst().orElseThrow();
    }

    /**
     * The baselines are kept by the teacher's weights: after the worker is restarted, a checkpoint of another run
     * whose teacher has the same weights (under another teacher id) is scored in both passes without computing them.
     */
    @Test
    void baselinesAreNotComputedAgainAfterARestartForAnotherRunOfTheSameTeacherWeights(CapturedOutput output)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TinyModels.Family family = TinyModels.family(blobs, "tiny-" + suffix, 43);
        String teacherSha = family.teacher().weights().sha256();
        String firstRun = "run-a-" + suffix;
        kafka.send(Topics.CHECKPOINTS, firstRun, family.published(firstRun, firstRun + "-step-1", 1));
        await().atMost(Duration.ofSeconds(90)).until(() -> fullyScored(firstRun + "-step-1"));
        assertThat(baselines(teacherSha)).isEqualTo(4);
        Timestamp computedAt = baselinesRecordedAt(teacherSha);

        worker.stop();
        assertThat(worker.isRunning()).isFalse();
        worker.start();
        int logged = output.getOut().length();

        TinyModels.Family reimported = new TinyModels.Family("reimported-" + suffix, family.teacher(), family.autoencoder(),
                family.student());
        String secondRun = "run-b-" + suffix;
        kafka.send(Topics.CHECKPOINTS, secondRun, reimported.published(secondRun, secondRun + "-step-1", 1));
        await().atMost(Duration.ofSeconds(90)).until(() -> fullyScored(secondRun + "-step-1"));

        assertThat(baselines(teacherSha)).isEqualTo(4);
        assertThat(baselinesRecordedAt(teacherSha)).isEqualTo(computedAt);
        assertThat(output.getOut().substring(logged)).doesNotContain("computing the baselines of teacher");
        assertThat(scoredEvents(secondRun)).extracting(CheckpointScored::getTeacherId).containsOnly(reimported.teacherId());
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
        String id = runId + "-step-1";
        EventEnvelope teacherAsStudent = family.published(runId, id, 1).toBuilder().setCheckpointPublished(
                family.published(runId, id, 1).getCheckpointPublished().toBuilder()
                        .setStudent(ModelRef.newBuilder().setWeights(family.teacher().weightsRef()).setManifest(family.teacher().manifestRef()))).build();

        kafka.send(Topics.CHECKPOINTS, runId, teacherAsStudent);

        await().atMost(Duration.ofSeconds(90)).until(() -> inState(id, "refused"));
        CheckpointRecord refused = checkpoints.find(id).orElseThrow();
        assertThat(refused.refusalReason()).startsWith("student (weights " + family.teacher().weights().sha256() + ")")
                .contains("not a student");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scoredEvents(runId)).singleElement()
                .satisfies(e -> {
                    assertThat(e.getRefusalReason()).isEqualTo(refused.refusalReason());
                    assertThat(e.getPass()).as("refused by its quick pass").isEqualTo(ScoringPass.SCORING_PASS_QUICK);
                }));
    }
}
