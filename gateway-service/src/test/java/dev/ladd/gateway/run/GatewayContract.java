package dev.ladd.gateway.run;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunStarted;
import dev.ladd.platform.test.ConsumerChecks;
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

    @Test
    void startingARunStoresItAndPublishesRunRequestedWithTheDefaultsFilledIn() throws Exception {
        String runId = startRun();
        assertThat(runs.find(runId)).get().extracting(RunView::requestedBy).isEqualTo("admin");

        assertThat(runs.find(runId)).get().extracting(RunView::state).isEqualTo("requested");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.RUN_REQUESTED, Integer.MAX_VALUE, Duration.ofSeconds(3)))
                        .anySatisfy(e -> {
                            assertThat(e.getRunRequested().getRunId()).isEqualTo(runId);
                            assertThat(e.getRunRequested().getConfig().getIterations()).isEqualTo(10);
                            assertThat(e.getRunRequested().getConfig().getBatchSize()).isEqualTo(64);
                            assertThat(e.getRunRequested().getConfig().getSeed()).isEqualTo(3);
                            assertThat(e.getProducer()).isEqualTo("gateway-service");
                            assertThat(e.getRunRequested().getRequestedBy()).isEqualTo("admin");
                        }));

        HttpResponse<String> withSwitches = postRun("{\"teacherId\":\"teacher-1\",\"studentNoise\":\"shard\","
                + "\"distillationWeight\":1.0,\"emaDecay\":0.99,\"renoiseMean\":0.0,\"headChannels\":32,"
                + "\"samplerEta\":0.0}");
        assertThat(withSwitches.statusCode()).isEqualTo(202);
        String switchesRun = withSwitches.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.RUN_REQUESTED, Integer.MAX_VALUE, Duration.ofSeconds(3)))
                        .anySatisfy(e -> {
                            var config = e.getRunRequested().getConfig();
                            assertThat(e.getRunRequested().getRunId()).isEqualTo(switchesRun);
                            assertThat(config.getStudentNoise()).isEqualTo("shard");
                            assertThat(config.getDistillationWeight()).isEqualTo(1.0f);
                            assertThat(config.getEmaDecay()).isEqualTo(0.99f);
                            assertThat(config.hasRenoiseMean()).isTrue();
                            assertThat(config.getRenoiseMean()).isZero();
                            assertThat(config.getHeadChannels()).isEqualTo(32);
                            assertThat(config.hasSamplerEta()).isTrue();
                            assertThat(config.getSamplerEta()).isZero();
                            assertThat(config.getR1Weight()).isZero();
                        }));
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

    @Test
    void badRequestsGetA400ProblemThatNamesWhatIsWrong() throws Exception {
        HttpResponse<String> badJson = postRun("{\"teacherId\": ");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(badJson.body()).contains("not valid JSON");

        HttpResponse<String> badFields = postRun("{\"teacherId\":\"../etc\",\"iterations\":0,\"device\":\"tpu\"}");
        assertThat(badFields.statusCode()).isEqualTo(400);
        assertThat(badFields.body()).contains("\"field\":\"teacherId\"").contains("\"field\":\"iterations\"")
                .contains("\"field\":\"device\"");

        HttpResponse<String> badLadd = postRun("{\"teacherId\":\"t\",\"studentNoise\":\"loud\",\"emaDecay\":1.5,"
                + "\"discriminatorSteps\":0,\"samplerEta\":2}");
        assertThat(badLadd.statusCode()).isEqualTo(400);
        assertThat(badLadd.body()).contains("\"field\":\"studentNoise\"").contains("\"field\":\"emaDecay\"")
                .contains("\"field\":\"samplerEta\"")
                .contains("\"field\":\"discriminatorSteps\"");

        HttpResponse<String> wrongType = postRun("{\"teacherId\":\"t\",\"iterations\":\"many\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.body()).contains("iterations");

        HttpResponse<String> unknownField = postRun("{\"teacherId\":\"t\",\"iteration\":5}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("iteration");

        HttpResponse<String> missing = call("GET", "/api/v1/runs/run-" + UUID.randomUUID(), ADMIN_KEY, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no run with id");
    }
}
