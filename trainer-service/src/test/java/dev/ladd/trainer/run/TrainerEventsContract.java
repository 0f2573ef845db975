package dev.ladd.trainer.run;

import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The trainer's consumers over a real broker and a real PostgreSQL; run by an embedded and a Testcontainers variant. */
abstract class TrainerEventsContract extends EventContract {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RunRepository runs;
    @LocalServerPort
    int port;

    static EventEnvelope runRequested(String runId) {
        return TestEvents.from("gateway-service", runId, EventEnvelope.newBuilder().setRunRequested(RunRequested.newBuilder()
                .setRunId(runId).setTeacherId("teacher-1").setRequestedBy("test")
                .setConfig(DistillationConfig.newBuilder().setSeed(7))));
    }

    boolean runExists(String runId) {
        return runs.find(runId).isPresent();
    }

    @Test
    void aRunRequestedDeliveredTwiceCreatesOneRunAndOneDataRequest() {
        String runId = "run-" + UUID.randomUUID();
        String markerRun = "run-" + UUID.randomUUID();
        EventEnvelope event = runRequested(runId);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.RUN_REQUESTED, runId, event,
                runRequested(markerRun), () -> runExists(markerRun), () -> {
                    assertThat(runs.find(runId)).get().extracting(Run::state).isEqualTo(RunState.WAITING_FOR_DATA);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, event.getEventId())).isEqualTo(1);
                    List<EventEnvelope> requests = kafka.readEvents(Topics.SYNTHETIC_DATA_REQUESTED, Integer.MAX_VALUE,
                                    Duration.ofSeconds(5)).stream()
                            .filter(e -> e.getCorrelationId().equals(runId)).toList();
                    assertThat(requests).hasSize(1);
                    assertThat(requests.get(0).getSyntheticDataRequested().getTeacherId()).isEqualTo("teacher-1");
                    assertThat(requests.get(0).getSyntheticDataRequested().getSeed()).isEqualTo(7);  // request 0: the run's seed
                    assertThat(requests.get(0).getProducer()).isEqualTo("trainer-service");
                });
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextRunIsStillCreated() {
        String runId = "run-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.RUN_REQUESTED, "trainer-service",
                runId, runRequested(runId), () -> runExists(runId));
    }

    @Test
    void aRejectedDataRequestFailsTheRunAndPublishesRunFinished() {
        String runId = "run-" + UUID.randomUUID();
        kafka.send(Topics.RUN_REQUESTED, runId, runRequested(runId));
        await().atMost(Duration.ofSeconds(60)).until(() -> runExists(runId));

        kafka.send(Topics.SYNTHETIC_SHARDS, runId, TestEvents.from("teacher-service", runId, EventEnvelope.newBuilder()
                .setSyntheticDataRejected(SyntheticDataRejected.newBuilder().setRunId(runId)
                        .setRequestId(runId + "/data-0").setReason("unknown teacher 'teacher-1'"))));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(runs.find(runId)).get().satisfies(run -> {
                    assertThat(run.state()).isEqualTo(RunState.FAILED);
                    assertThat(run.failureReason()).contains("unknown teacher 'teacher-1'");
                }));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.RUN_LIFECYCLE, Integer.MAX_VALUE, Duration.ofSeconds(3)))
                        .anySatisfy(e -> {
                            assertThat(e.getRunFinished().getRunId()).isEqualTo(runId);
                            assertThat(e.getRunFinished().getOutcome()).isEqualTo(RunOutcome.RUN_OUTCOME_FAILED);
                        }));
    }

    @Test
    void anUnknownRunIsA404ProblemNotAStackTrace() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runs/nope"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("no run with id 'nope'").doesNotContain("Exception");
    }
}
