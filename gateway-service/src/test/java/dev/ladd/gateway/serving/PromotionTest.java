package dev.ladd.gateway.serving;

import dev.ladd.gateway.checkpoint.ScoreState;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ScoringPass;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.checkpoint.ScoreRow;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ladd.gateway.support.TestCheckpoints.blob;
import static dev.ladd.gateway.support.TestCheckpoints.published;
import static dev.ladd.gateway.support.TestCheckpoints.refused;
import static dev.ladd.gateway.support.TestCheckpoints.scored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Promotion and rollback over real Kafka and PostgreSQL: checkpoints and scores arrive as events, changes leave as
 * ServingDesired (compacted, with the student's and the autoencoder's claim checks) and ModelPromoted /
 * ModelRolledBack, each with an audit row. Checkpoints here take 100 ms/image, over the test context's
 * auto-promotion budget (50), so the policy leaves them alone.
 */
@ServiceIntegrationTest
class PromotionTest extends GatewayTestBase {

    @Autowired
    CheckpointRepository checkpoints;

    void awaitState(String checkpointId, String state, boolean published) {
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(checkpointId)
                .map(c -> c.scoreState().value().equals(state) && c.published() == published).orElse(false));
    }

    List<EventEnvelope> desired(String alias, int atLeast) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(Topics.SERVING_DESIRED,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(e -> e.getCorrelationId().equals(alias)).toList(), list -> list.size() >= atLeast);
    }

    @Test
    void promoteRollbackAndHistoryPublishServingDesiredAndAuditEveryChange() throws Exception {
        String run = "run-" + UUID.randomUUID();
        String a = run + "-step-100";
        String b = run + "-step-200";
        String alias = "alias-" + UUID.randomUUID().toString().substring(0, 8);
        String staff = createKey("ml-staff", 1000);
        String staffName = jdbc.queryForObject("SELECT name FROM api_key WHERE key_sha256 = ?", String.class,
                dev.ladd.gateway.keys.ApiKeyService.sha256(staff));
        for (EventEnvelope e : List.of(published(run, a, 100), published(run, b, 200))) {
            kafka.send(Topics.CHECKPOINTS, run, e);
        }
        kafka.send(Topics.CHECKPOINT_SCORES, run, scored(run, a, 100, 30, 100));
        kafka.send(Topics.CHECKPOINT_SCORES, run, scored(run, b, 200, 20, 100));
        awaitState(a, "scored", true);
        awaitState(b, "scored", true);

        HttpResponse<String> first = promote(alias, a, staff);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("\"revision\":1").contains("\"action\":\"promote\"")
                .contains("\"actor\":\"" + staffName + "\"").contains("\"toCheckpointId\":\"" + a + "\"");
        assertThat(promote(alias, b, ADMIN_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> back = call("POST", "/api/v1/serving/" + alias + "/rollback", staff, "{\"reason\":\"artifacts\"}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("\"revision\":3").contains("\"fromCheckpointId\":\"" + b + "\"")
                .contains("\"toCheckpointId\":\"" + a + "\"");

        List<EventEnvelope> desired = desired(alias, 3);
        assertThat(desired).extracting(e -> e.getServingDesired().getRevision()).containsExactly(1L, 2L, 3L);
        assertThat(desired).extracting(e -> e.getServingDesired().getCheckpointId()).containsExactly(a, b, a);
        assertThat(desired).allSatisfy(e -> {
            assertThat(e.getProducer()).isEqualTo("gateway-service");
            assertThat(e.getServingDesired().getAlias()).isEqualTo(alias);
            assertThat(e.getServingDesired().getAutoencoder().getWeights()).isEqualTo(blob("ae-w"));
            assertThat(e.getServingDesired().getAutoencoder().getManifest()).isEqualTo(blob("ae-m"));
        });
        assertThat(desired.get(1).getServingDesired().getStudent().getWeights()).isEqualTo(blob(b + "w"));
        assertThat(desired.get(1).getServingDesired().getStudent().getManifest()).isEqualTo(blob(b + "m"));

        List<EventEnvelope> changes = await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(
                        Topics.SERVING_CHANGES, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(e -> e.getCorrelationId().equals(alias)).toList(), list -> list.size() >= 3);
        assertThat(changes.get(0).getModelPromoted().getCheckpointId()).isEqualTo(a);
        assertThat(changes.get(1).getModelPromoted().getPreviousCheckpointId()).isEqualTo(a);
        assertThat(changes.get(1).getModelPromoted().getActor()).isEqualTo("admin");
        assertThat(changes.get(2).getModelRolledBack().getCheckpointId()).isEqualTo(a);
        assertThat(changes.get(2).getModelRolledBack().getRolledBackCheckpointId()).isEqualTo(b);
        assertThat(changes.get(2).getModelRolledBack().getReason()).isEqualTo("artifacts");

        List<Map<String, Object>> audit = jdbc.queryForList(
                "SELECT action, from_checkpoint_id, to_checkpoint_id, actor, reason, revision FROM serving_audit "
                        + "WHERE alias = ? ORDER BY id", alias);
        assertThat(audit).extracting(r -> r.get("action")).containsExactly("promote", "promote", "rollback");
        assertThat(audit).extracting(r -> r.get("actor")).containsExactly(staffName, "admin", staffName);
        assertThat(audit.get(2)).containsEntry("from_checkpoint_id", b).containsEntry("to_checkpoint_id", a)
                .containsEntry("reason", "artifacts");
        HttpResponse<String> history = call("GET", "/api/v1/serving/" + alias + "/history", createKey("viewer", 10), null);
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body().indexOf("\"revision\":3")).isLessThan(history.body().indexOf("\"revision\":1"));

        // a is back and nothing was below it: a second rollback has nowhere to go
        assertProblem(call("POST", "/api/v1/serving/" + alias + "/rollback", staff, "{\"reason\":\"again\"}"), 409);
        assertProblem(promote(alias, a, staff), 409);
    }

    @Test
    void refusedUnscoredAndUnknownCheckpointsAreNotPromoted() throws Exception {
        String run = "run-" + UUID.randomUUID();
        String refusedId = run + "-step-100";
        String unscoredId = run + "-step-200";
        String alias = "alias-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.send(Topics.CHECKPOINTS, run, published(run, refusedId, 100));
        kafka.send(Topics.CHECKPOINTS, run, published(run, unscoredId, 200));
        kafka.send(Topics.CHECKPOINT_SCORES, run, refused(run, refusedId));
        awaitState(refusedId, "refused", true);
        awaitState(unscoredId, "unscored", true);

        HttpResponse<String> refused = promote(alias, refusedId, ADMIN_KEY);
        assertProblem(refused, 409);
        assertThat(refused.body()).contains("refused").contains("sha256");
        HttpResponse<String> unscored = promote(alias, unscoredId, ADMIN_KEY);
        assertProblem(unscored, 409);
        assertThat(unscored.body()).contains("not scored");
        assertProblem(promote(alias, run + "-step-999", ADMIN_KEY), 404);
        assertProblem(call("POST", "/api/v1/serving/" + alias + "/rollback", ADMIN_KEY, "{\"reason\":\"x\"}"), 404);
        assertProblem(call("POST", "/api/v1/serving/" + alias + "/promote", ADMIN_KEY, "{\"checkpointId\":\"x\"}"), 400);
        assertProblem(call("POST", "/api/v1/serving/bad%20alias/promote", ADMIN_KEY,
                "{\"checkpointId\":\"x\",\"reason\":\"y\"}"), 400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM serving_audit WHERE alias = ?", Integer.class, alias)).isZero();
    }

    void awaitApplied(EventEnvelope event) {
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", Integer.class, event.getEventId()) == 1);
    }

    /**
     * Both passes' scores are kept, each row naming its pass; the full pass supersedes the quick one for display,
     * also when a quick one arrives after it; a quick score is enough to promote by hand; a pass this gateway does
     * not know is dead-lettered and changes nothing.
     */
    @Test
    void bothScoringPassesAreKeptTheFullOneShownAndAnUnknownPassIsDeadLettered() throws Exception {
        String run = "run-" + UUID.randomUUID();
        String id = run + "-step-250";
        String path = "/api/v1/checkpoints/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
        kafka.send(Topics.CHECKPOINTS, run, published(run, id, 250));
        kafka.send(Topics.CHECKPOINT_SCORES, run, scored(run, id, 250, ScoringPass.SCORING_PASS_QUICK, 500, 40, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(id).map(c -> "quick".equals(c.scorePass())
                && c.published()).orElse(false));

        HttpResponse<String> quick = call("GET", path, ADMIN_KEY, null);
        assertThat(quick.statusCode()).isEqualTo(200);
        assertThat(quick.body()).contains("\"scoreState\":\"scored\"", "\"scorePass\":\"quick\"", "\"pass\":\"quick\"")
                .doesNotContain("\"pass\":\"full\"");
        String alias = "passes-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(promote(alias, id, ADMIN_KEY).statusCode()).as("a quick score is enough to promote by hand")
                .isEqualTo(200);

        EventEnvelope full = scored(run, id, 250, ScoringPass.SCORING_PASS_FULL, 5000, 30, 100);
        kafka.send(Topics.CHECKPOINT_SCORES, run, full);
        awaitApplied(full);
        EventEnvelope lateQuick = scored(run, id, 250, ScoringPass.SCORING_PASS_QUICK, 500, 50, 100);
        kafka.send(Topics.CHECKPOINT_SCORES, run, lateQuick);
        awaitApplied(lateQuick);

        assertThat(checkpoints.find(id)).get().satisfies(c -> {
            assertThat(c.scorePass()).isEqualTo(ScoreRow.FULL);
            assertThat(c.scores()).extracting(ScoreRow::pass).containsOnly(ScoreRow.FULL);
            assertThat(c.scores()).extracting(ScoreRow::numSamples).containsOnly(5000);
            assertThat(c.student(ScoreRow.FULL, 4)).get().extracting(ScoreRow::fid).isEqualTo(30.0);
            assertThat(c.student(ScoreRow.QUICK, 4)).as("the quick pass kept beside it").get().extracting(ScoreRow::fid)
                    .isEqualTo(50.0);
        });
        assertThat(call("GET", path, ADMIN_KEY, null).body()).contains("\"scorePass\":\"full\"", "\"fid\":30.0")
                .doesNotContain("\"pass\":\"quick\"");

        EventEnvelope unknownPass = scored(run, id, 250, ScoringPass.SCORING_PASS_FULL, 5000, 1, 1).toBuilder()
                .setCheckpointScored(scored(run, id, 250, ScoringPass.SCORING_PASS_FULL, 5000, 1, 1).getCheckpointScored()
                        .toBuilder().setPassValue(7)).build();
        kafka.send(Topics.CHECKPOINT_SCORES, run, unknownPass);
        String marker = run + "-step-500";
        kafka.send(Topics.CHECKPOINT_SCORES, run, scored(run, marker, 500, ScoringPass.SCORING_PASS_QUICK, 500, 40, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(marker).isPresent());
        String deadLetters = Topics.deadLetter(Topics.CHECKPOINT_SCORES, "gateway-service");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kafka.read(deadLetters, Integer.MAX_VALUE,
                Duration.ofSeconds(3))).anySatisfy(r -> assertThat(EventEnvelope.parseFrom(r.value()).getEventId())
                .isEqualTo(unknownPass.getEventId())));
        assertThat(checkpoints.find(id).orElseThrow().student(ScoreRow.FULL, 4)).get().extracting(ScoreRow::fid)
                .isEqualTo(30.0);
    }

    @Test
    void aScoreDeliveredTwiceIsAppliedOnceAndAMalformedOneIsDeadLettered() {
        String run = "run-" + UUID.randomUUID();
        String id = run + "-step-100";
        String marker = run + "-step-200";
        EventEnvelope score = scored(run, id, 100, 30, 100);
        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.CHECKPOINT_SCORES, run, score,
                scored(run, marker, 200, 30, 100), () -> checkpoints.find(marker).isPresent(), () -> {
                    assertThat(checkpoints.find(id)).get().satisfies(c -> {
                        assertThat(c.scoreState()).isEqualTo(ScoreState.SCORED);
                        assertThat(c.student(ScoreRow.FULL, 4)).get().extracting(s -> s.fid()).isEqualTo(30.0);
                    });
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, score.getEventId())).isEqualTo(1);
                });
        String next = run + "-step-300";
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.CHECKPOINTS, "gateway-service", run,
                published(run, next, 300), () -> checkpoints.find(next).isPresent());
    }
}
