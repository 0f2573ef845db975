package dev.ladd.gateway.serving;

import dev.ladd.gateway.checkpoint.ScoreState;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.gateway.support.TestCheckpoints;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ladd.gateway.support.TestCheckpoints.blob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The committed default student on a fresh platform (docs/adr/014), over real Kafka and PostgreSQL: the trainer's
 * CheckpointPublished that names it makes the gateway serve it on the default-student alias (here
 * {@value GatewayTestBase#DEFAULT_STUDENT_ALIAS}) in an audited promotion by {@code system:default-student}, unscored;
 * exactly once, and never over a promotion made before it; what is promoted after it replaces it as any promotion does.
 */
@ServiceIntegrationTest
class DefaultStudentBootstrapTest extends GatewayTestBase {

    static final String ALIAS = DEFAULT_STUDENT_ALIAS;
    static final String FOLDER = "/app/models/default-student";

    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    PromotionService promotions;

    static EventEnvelope defaultStudent(String runId, String checkpointId) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setCheckpointPublished(
                CheckpointPublished.newBuilder().setRunId(runId).setCheckpointId(checkpointId).setStep(2000).setFinal(true)
                        .setTeacherId("default").setStudent(ModelRef.newBuilder().setWeights(blob(checkpointId + "w")).setManifest(blob(checkpointId + "m")))
                        .setAutoencoder(ModelRef.newBuilder().setWeights(blob("ae-w")).setManifest(blob("ae-m")))
                        .setTeacher(ModelRef.newBuilder().setWeights(blob("t-w")).setManifest(blob("t-m")))
                        .setDefaultStudentFolder(FOLDER)));
    }

    @Test
    void theDefaultStudentIsServedOnceAndWhatAPersonPromotesAfterItReplacesIt() throws Exception {
        String first = "default-student-" + UUID.randomUUID().toString().substring(0, 12);
        kafka.send(Topics.CHECKPOINTS, first, defaultStudent(first, first + "-step-2000"));

        List<EventEnvelope> desired = desired(1);
        assertThat(desired.get(0).getServingDesired().getCheckpointId()).isEqualTo(first + "-step-2000");
        assertThat(desired.get(0).getServingDesired().getRevision()).isEqualTo(1);
        assertThat(desired.get(0).getServingDesired().getStudent().getWeights()).isEqualTo(blob(first + "-step-2000w"));
        assertThat(desired.get(0).getServingDesired().getAutoencoder().getWeights()).isEqualTo(blob("ae-w"));
        List<Map<String, Object>> audit = audit();
        assertThat(audit).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("action", "promote").containsEntry("actor", "system:default-student")
                    .containsEntry("to_checkpoint_id", first + "-step-2000").containsEntry("revision", 1L);
            assertThat(row.get("from_checkpoint_id")).isNull();
            assertThat((String) row.get("reason")).contains("committed default student").contains(FOLDER);
        });
        EventEnvelope promoted = await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(Topics.SERVING_CHANGES,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream().filter(e -> e.getCorrelationId().equals(ALIAS))
                .toList(), list -> !list.isEmpty()).get(0);
        assertThat(promoted.getModelPromoted().getActor()).isEqualTo("system:default-student");

        // another default student later (a newer commit, or a trainer whose database was reset): the alias has a history
        String second = "default-student-" + UUID.randomUUID().toString().substring(0, 12);
        kafka.send(Topics.CHECKPOINTS, second, defaultStudent(second, second + "-step-2000"));
        awaitPublished(second + "-step-2000");
        assertThat(audit()).hasSize(1);

        // a person promotes a trained, scored checkpoint: it replaces the student, and the student stays below it
        String run = "run-" + UUID.randomUUID();
        String trained = run + "-step-250";
        kafka.send(Topics.CHECKPOINTS, run, TestCheckpoints.published(run, trained, 250));
        kafka.send(Topics.CHECKPOINT_SCORES, run, TestCheckpoints.scored(run, trained, 250, 30, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(trained)
                .map(c -> c.published() && c.scoreState() == ScoreState.SCORED).orElse(false));
        HttpResponse<String> promote = call("POST", "/api/v1/serving/" + ALIAS + "/promote", ADMIN_KEY,
                "{\"checkpointId\":\"" + trained + "\",\"reason\":\"the demo run's first checkpoint\"}");
        assertThat(promote.statusCode()).as(promote.body()).isEqualTo(200);
        assertThat(promote.body()).contains("\"fromCheckpointId\":\"" + first + "-step-2000\"").contains("\"revision\":2");

        String third = "default-student-" + UUID.randomUUID().toString().substring(0, 12);
        kafka.send(Topics.CHECKPOINTS, third, defaultStudent(third, third + "-step-2000"));
        awaitPublished(third + "-step-2000");
        assertThat(audit()).extracting(r -> r.get("to_checkpoint_id")).containsExactly(first + "-step-2000", trained);
        assertThat(promotions.desired(ALIAS)).get().extracting(ServingRepository.Desired::checkpointId).isEqualTo(trained);

        HttpResponse<String> back = call("POST", "/api/v1/serving/" + ALIAS + "/rollback", ADMIN_KEY,
                "{\"reason\":\"back to the default student\"}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("\"toCheckpointId\":\"" + first + "-step-2000\"");
    }

    @Test
    void aPromotionMadeBeforeTheDefaultStudentArrivesIsNeverOverridden() throws Exception {
        String alias = "alias-" + UUID.randomUUID().toString().substring(0, 8);
        String run = "run-" + UUID.randomUUID();
        String trained = run + "-step-100";
        String student = "default-student-" + UUID.randomUUID().toString().substring(0, 12) + "-step-2000";
        kafka.send(Topics.CHECKPOINTS, run, TestCheckpoints.published(run, trained, 100));
        kafka.send(Topics.CHECKPOINT_SCORES, run, TestCheckpoints.scored(run, trained, 100, 30, 100));
        kafka.send(Topics.CHECKPOINTS, run, TestCheckpoints.published(run, student, 2000));   // known, not the event's flag:
        // that would serve it on this context's default-student alias, which the other test checks
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(trained)
                .map(c -> c.published() && c.scoreState() == ScoreState.SCORED).orElse(false));
        awaitPublished(student);
        assertThat(call("POST", "/api/v1/serving/" + alias + "/promote", ADMIN_KEY,
                "{\"checkpointId\":\"" + trained + "\",\"reason\":\"chosen by a person\"}").statusCode()).isEqualTo(200);

        assertThat(promotions.promoteDefaultStudent(alias, student, "the committed default student", "system:default-student"))
                .isEmpty();

        assertThat(promotions.desired(alias)).get().extracting(ServingRepository.Desired::checkpointId).isEqualTo(trained);
        assertThat(jdbc.queryForList("SELECT actor FROM serving_audit WHERE alias = ?", String.class, alias))
                .containsExactly("admin");
    }

    private List<EventEnvelope> desired(int atLeast) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(Topics.SERVING_DESIRED,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(e -> e.getCorrelationId().equals(ALIAS)).toList(), list -> list.size() >= atLeast);
    }

    private List<Map<String, Object>> audit() {
        return jdbc.queryForList("SELECT action, from_checkpoint_id, to_checkpoint_id, actor, reason, revision "
                + "FROM serving_audit WHERE alias = ? ORDER BY id", ALIAS);
    }

    private void awaitPublished(String checkpointId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(checkpointId)
                .map(c -> c.published()).orElse(false));
    }
}
