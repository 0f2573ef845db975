package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.TestEvents;
import dev.ladd.platform.test.TestKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** teacher-service's consumer over a real broker and a real PostgreSQL. */
abstract class TeacherEventsContract {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SyntheticRequestRepository requests;
    @Value("${spring.cloud.stream.kafka.binder.brokers}")
    String brokers;

    TestKafka kafka;

    @BeforeEach
    void connect() {
        kafka = new TestKafka(brokers);
        jdbc.update("INSERT INTO teacher (teacher_id, description) VALUES ('known', 'test') ON CONFLICT DO NOTHING");
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    static EventEnvelope request(String runId, String teacherId, int numSamples) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setSyntheticDataRequested(
                SyntheticDataRequested.newBuilder().setRunId(runId).setRequestId(runId + "/data-0").setTeacherId(teacherId)
                        .setNumSamples(numSamples).setShardSize(64).setSamplerSteps(50).setCfgScale(1.5f).setSeed(1)));
    }

    boolean recorded(String runId) {
        return requests.find(runId + "/data-0").isPresent();
    }

    List<EventEnvelope> rejectionsFor(String runId) {
        return kafka.readEvents(Topics.SYNTHETIC_SHARDS, Integer.MAX_VALUE, Duration.ofSeconds(4)).stream()
                .filter(e -> e.hasSyntheticDataRejected() && e.getSyntheticDataRejected().getRunId().equals(runId))
                .toList();
    }

    @Test
    void anUnknownTeacherIsRejectedOnceEvenWhenTheRequestArrivesTwice() {
        String runId = "run-" + UUID.randomUUID();
        String marker = "run-" + UUID.randomUUID();

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.SYNTHETIC_DATA_REQUESTED, runId,
                request(runId, "nobody", 100), request(marker, "known", 100), () -> recorded(marker), () -> {
                    assertThat(requests.find(runId + "/data-0")).get().satisfies(r -> {
                        assertThat(r.state()).isEqualTo("rejected");
                        assertThat(r.reason()).isEqualTo("unknown teacher 'nobody'");
                    });
                    List<EventEnvelope> rejections = rejectionsFor(runId);
                    assertThat(rejections).hasSize(1);
                    assertThat(rejections.get(0).getSyntheticDataRejected().getReason()).contains("unknown teacher");
                    assertThat(requests.find(marker + "/data-0")).get().extracting(SyntheticRequest::state).isEqualTo("accepted");
                });
    }

    @Test
    void anAbsurdSizeIsRejectedWithAReasonNotRetried() {
        String runId = "run-" + UUID.randomUUID();
        kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, runId, request(runId, "known", 2_000_000_000));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> recorded(runId));
        assertThat(requests.find(runId + "/data-0")).get().extracting(SyntheticRequest::reason)
                .asString().startsWith("num_samples must be in [1, 200000]");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rejectionsFor(runId).size() == 1);
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextRequestIsStillRecorded() {
        String runId = "run-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.SYNTHETIC_DATA_REQUESTED,
                "teacher-service", runId, request(runId, "known", 10), () -> recorded(runId));
    }
}
