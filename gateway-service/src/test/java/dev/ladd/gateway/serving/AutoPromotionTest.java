package dev.ladd.gateway.serving;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ScoringPass;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ladd.gateway.support.TestCheckpoints.published;
import static dev.ladd.gateway.support.TestCheckpoints.scored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The automatic policy, on for alias {@code auto-test} in the test context (FID margins 1.0, budget 50 ms/image):
 * the first scored checkpoint within budget is promoted, then only one that beats the served FID by the margin
 * and stays within the budget, comparing scores of the same pass.
 */
@ServiceIntegrationTest
class AutoPromotionTest extends GatewayTestBase {

    @Autowired
    CheckpointRepository checkpoints;

    /** Each test starts with nothing served on the policy's alias (the tests share it). */
    @BeforeEach
    void nothingServed() {
        jdbc.update("DELETE FROM serving_stack WHERE alias = ?", AUTO_ALIAS);
        jdbc.update("DELETE FROM serving_alias WHERE alias = ?", AUTO_ALIAS);
    }

    void arrive(String run, String id, int step, double fid, double ms) {
        kafka.send(Topics.CHECKPOINTS, run, published(run, id, step));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(id).isPresent());
        score(run, scored(run, id, step, fid, ms));
    }

    void score(String run, EventEnvelope score) {
        kafka.send(Topics.CHECKPOINT_SCORES, run, score);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", Integer.class, score.getEventId()) == 1);
    }

    void arriveQuick(String run, String id, int step, double fid) {
        kafka.send(Topics.CHECKPOINTS, run, published(run, id, step));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(id).isPresent());
        score(run, scored(run, id, step, ScoringPass.SCORING_PASS_QUICK, 500, fid, 10));
    }

    void full(String run, String id, int step, double fid) {
        score(run, scored(run, id, step, ScoringPass.SCORING_PASS_FULL, 5000, fid, 10));
    }

    String lastReason() {
        return jdbc.queryForObject("SELECT reason FROM serving_audit WHERE alias = ? ORDER BY id DESC LIMIT 1", String.class,
                AUTO_ALIAS);
    }

    /**
     * A quick score promotes within minutes, but only against the served checkpoint's quick score; once both have
     * their full scores, those decide. A full FID is never weighed against a quick one.
     */
    @Test
    void scoresAreComparedWithinOnePassTheMostThoroughBothCheckpointsHave() {
        String run = "run-" + UUID.randomUUID();
        String a = run + "-step-250";
        String b = run + "-step-500";
        String c = run + "-step-750";
        arriveQuick(run, a, 250, 30.0);
        assertThat(served()).as("nothing served: the budget alone decides, on the quick score").isEqualTo(a);
        assertThat(lastReason()).contains("quick pass, 500 samples");

        arriveQuick(run, b, 500, 29.5);                 // better on the quick pass by less than its margin
        assertThat(served()).isEqualTo(a);
        arriveQuick(run, c, 750, 25.0);                 // better by 5 on the quick pass
        assertThat(served()).isEqualTo(c);
        assertThat(lastReason()).contains("on the quick pass (500 samples)");

        full(run, a, 250, 20.0);                        // c has no full score yet: a and c are compared on quick (30 vs 25)
        assertThat(served()).isEqualTo(c);
        full(run, c, 750, 22.0);
        assertThat(served()).isEqualTo(c);
        full(run, b, 500, 19.0);                        // both full now: 19 beats 22 by 3
        assertThat(served()).isEqualTo(b);
        assertThat(lastReason()).contains("FID 19.000 beats served " + c + " (22.000)", "on the full pass (5000 samples)");
    }

    String served() {
        return jdbc.queryForList("SELECT checkpoint_id FROM serving_alias WHERE alias = ?", String.class, AUTO_ALIAS)
                .stream().findFirst().orElse(null);
    }

    @Test
    void aScoredCheckpointIsPromotedOnlyWhenItBeatsTheServedFidByTheMarginWithinTheBudget() {
        String run = "run-" + UUID.randomUUID();
        arrive(run, run + "-step-1", 1, 30.0, 10);
        assertThat(served()).isEqualTo(run + "-step-1");

        arrive(run, run + "-step-2", 2, 29.5, 10);     // better, but by less than the margin
        assertThat(served()).isEqualTo(run + "-step-1");
        arrive(run, run + "-step-3", 3, 10.0, 80);     // far better, but over the ms/image budget
        assertThat(served()).isEqualTo(run + "-step-1");
        arrive(run, run + "-step-4", 4, 28.5, 20);     // better by 1.5 within budget
        assertThat(served()).isEqualTo(run + "-step-4");

        List<Map<String, Object>> audit = jdbc.queryForList(
                "SELECT actor, from_checkpoint_id, to_checkpoint_id, reason FROM serving_audit WHERE alias = ? ORDER BY id",
                AUTO_ALIAS);
        assertThat(audit).extracting(r -> r.get("actor")).containsOnly("auto-policy");
        assertThat(audit.get(audit.size() - 1)).containsEntry("from_checkpoint_id", run + "-step-1")
                .containsEntry("to_checkpoint_id", run + "-step-4");
        assertThat((String) audit.get(audit.size() - 1).get("reason")).contains("FID 28.500").contains("beats");
        assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(Topics.SERVING_DESIRED,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(e -> e.getServingDesired().getAlias().equals(AUTO_ALIAS)).toList(), l -> !l.isEmpty()))
                .last().satisfies(e -> assertThat(e.getServingDesired().getCheckpointId()).isEqualTo(run + "-step-4"));
    }
}
