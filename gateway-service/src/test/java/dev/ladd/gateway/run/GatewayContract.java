package dev.ladd.gateway.run;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunStarted;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** gateway-service's API and consumers over a real broker and a real PostgreSQL. */
abstract class GatewayContract extends GatewayTestBase {

    @Autowired
    RunViewRepository runs;

    HttpResponse<String> postRun(String json) throws Exception {
        return call("POST", "/api/v1/runs", ADMIN_KEY, json);
    }

    String startRun() throws Exception {
        HttpResponse<String> response = postRun("{\"teacherId\":\"teacher-1\",\"iterations\":10,\"seed\":3}");
        assertThat(response.statusCode()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static EventEnvelope finished(String runId) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setRunFinished(RunFinished.newBuilder()
                .setRunId(runId).setOutcome(RunOutcome.RUN_OUTCOME_FAILED).setReason("teacher missing")));
    }

    static EventEnvelope started(String runId) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder()
                .setRunStarted(RunStarted.newBuilder().setRunId(runId)));
    }

    boolean inState(String runId, String state) {
        return runs.find(runId).map(r -> r.state().equals(state)).orElse(false);
    }

    /** The body goes to trainer-service as it came (the trainer validates it and fills in defaults: docs/adr/020). */
    @Test
    void startingARunPassesTheBodyToTheTrainerAndStoresTheRunItAccepted() throws Exception {
        String body = "{\"teacherId\":\"teacher-1\",\"studentNoise\":\"shard\",\"renoiseMean\":0.0,\"iterations\":10}";
        HttpResponse<String> response = postRun(body);
        assertThat(response.statusCode()).isEqualTo(202);
        String runId = response.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
        assertThat(FakeInference.lastRunRequest()).isEqualTo(body);
        assertThat(FakeInference.lastRunCaller()).isEqualTo("admin");
        assertThat(runs.find(runId)).get().satisfies(r -> {
            assertThat(r.requestedBy()).isEqualTo("admin");
            assertThat(r.teacherId()).isEqualTo("teacher-1");
            assertThat(r.state()).isEqualTo("requested");
        });
        assertThat(response.body()).contains("\"runId\":\"" + runId + "\"");
    }

    /** Its RunStarted may come before the trainer's answer: the run's row is made by whichever comes first. */
    @Test
    void aRunStartedBeforeItsRequestIsRecordedIsStillShown() throws Exception {
        String runId = "run-" + UUID.randomUUID();
        kafka.send(Topics.RUN_LIFECYCLE, runId, TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder()
                .setRunStarted(RunStarted.newBuilder().setRunId(runId).setTeacherId("teacher-1"))));
        await().atMost(Duration.ofSeconds(60)).until(() -> inState(runId, "training"));
    }

    @Test
    void aLifecycleEventDeliveredTwiceIsAppliedOnce() throws Exception {
        String runId = startRun();
        String markerRun = startRun();
        EventEnvelope event = finished(runId);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.RUN_LIFECYCLE, runId, event, started(markerRun),
                () -> inState(markerRun, "training"), () -> {
                    assertThat(runs.find(runId)).get().satisfies(r -> {
                        assertThat(r.state()).isEqualTo("failed");
                        assertThat(r.reason()).isEqualTo("teacher missing");
                    });
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, event.getEventId())).isEqualTo(1);
                });
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextEventIsStillApplied() throws Exception {
        String runId = startRun();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.RUN_LIFECYCLE, "gateway-service",
                runId, started(runId), () -> inState(runId, "training"));
    }

    /** The trainer's 400 problem (each invalid field) comes back as it wrote it; nothing is stored. */
    @Test
    void theTrainersFieldErrorsAreRelayedUnchanged() throws Exception {
        HttpResponse<String> invalid = postRun("{\"teacherId\":\"teacher-1\",\"iterations\":0}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(invalid.body()).isEqualTo(FakeInference.INVALID_RUN);

        HttpResponse<String> missing = call("GET", "/api/v1/runs/run-" + UUID.randomUUID(), ADMIN_KEY, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no run with id");
    }
}
