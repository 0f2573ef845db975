package dev.ladd.gateway.serving;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
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
 * The automatic policy, on for alias {@code auto-test} in the test context (FID margin 1.0, budget 50 ms/image):
 * the first scored checkpoint within budget is promoted, then only one that beats the served FID by the margin
 * and stays within the budget.
 */
@ServiceIntegrationTest
class AutoPromotionTest extends GatewayTestBase {

    @Autowired
    CheckpointRepository checkpoints;

    void arrive(String run, String id, int step, double fid, double ms) {
        kafka.send(Topics.CHECKPOINTS, run, published(run, id, step));
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.find(id).isPresent());
        EventEnvelope score = scored(run, id, step, fid, ms);
        kafka.send(Topics.CHECKPOINT_SCORES, run, score);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", Integer.class, score.getEventId()) == 1);
    }

    String served() {
        return jdbc.queryForList("SELECT checkpoint_id FROM serving_alias WHERE alias = ?", String.class, AUTO_ALIAS)
                .stream().findFirst().orElse(null);
    }

    @Test
    void aScoredCheckpointIsPromotedOnlyWhenItBeatsTheServedFidByTheMarginWithinTheBudget() {
        String run = "run-" + UUID.randomUUID();
        arrive(run, run + "/step-1", 1, 30.0, 10);
        assertThat(served()).isEqualTo(run + "/step-1");

        arrive(run, run + "/step-2", 2, 29.5, 10);     // better, but by less than the margin
        assertThat(served()).isEqualTo(run + "/step-1");
        arrive(run, run + "/step-3", 3, 10.0, 80);     // far better, but over the ms/image budget
        assertThat(served()).isEqualTo(run + "/step-1");
        arrive(run, run + "/step-4", 4, 28.5, 20);     // better by 1.5 within budget
        assertThat(served()).isEqualTo(run + "/step-4");

        List<Map<String, Object>> audit = jdbc.queryForList(
                "SELECT actor, from_checkpoint_id, to_checkpoint_id, reason FROM serving_audit WHERE alias = ? ORDER BY id",
                AUTO_ALIAS);
        assertThat(audit).extracting(r -> r.get("actor")).containsOnly("auto-policy");
        assertThat(audit.get(audit.size() - 1)).containsEntry("from_checkpoint_id", run + "/step-1")
                .containsEntry("to_checkpoint_id", run + "/step-4");
        assertThat((String) audit.get(audit.size() - 1).get("reason")).contains("FID 28.500").contains("beats");
        assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readEvents(Topics.SERVING_DESIRED,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(e -> e.getServingDesired().getAlias().equals(AUTO_ALIAS)).toList(), l -> !l.isEmpty()))
                .last().satisfies(e -> assertThat(e.getServingDesired().getCheckpointId()).isEqualTo(run + "/step-4"));
    }
}
