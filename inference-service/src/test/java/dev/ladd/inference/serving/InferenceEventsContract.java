package dev.ladd.inference.serving;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** inference-service's consumer over a real broker and a real PostgreSQL. */
abstract class InferenceEventsContract extends EventContract {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DesiredModelRepository desired;

    static EventEnvelope desired(String alias, String checkpointId, long revision) {
        BlobRef blob = BlobRef.newBuilder().setSha256("cd".repeat(32)).setSizeBytes(1).build();
        return TestEvents.from("gateway-service", alias, EventEnvelope.newBuilder().setServingDesired(ServingDesired.newBuilder()
                .setAlias(alias).setCheckpointId(checkpointId).setRevision(revision).setStudent(ModelRef.newBuilder().setWeights(blob).setManifest(blob))));
    }

    boolean serves(String alias, String checkpointId) {
        return desired.find(alias).map(d -> d.checkpointId().equals(checkpointId)).orElse(false);
    }

    @Test
    void aServingChangeDeliveredTwiceIsAppliedOnce() {
        String alias = "alias-" + UUID.randomUUID();
        EventEnvelope event = desired(alias, "ckpt-a", 1);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.SERVING_DESIRED, alias, event,
                desired(alias, "ckpt-b", 2), () -> serves(alias, "ckpt-b"), () -> {
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, event.getEventId())).isEqualTo(1);
                    assertThat(desired.find(alias)).get().extracting(DesiredModel::revision).isEqualTo(2L);
                });
    }

    @Test
    void aStaleRevisionNeverOverridesANewerOne() {
        String alias = "alias-" + UUID.randomUUID();
        kafka.send(Topics.SERVING_DESIRED, alias, desired(alias, "ckpt-new", 5));
        kafka.send(Topics.SERVING_DESIRED, alias, desired(alias, "ckpt-old", 4));
        String marker = "alias-" + UUID.randomUUID();
        kafka.send(Topics.SERVING_DESIRED, alias, desired(marker, "ckpt-m", 1));

        await().atMost(Duration.ofSeconds(60)).until(() -> serves(marker, "ckpt-m"));
        assertThat(desired.find(alias)).get().extracting(DesiredModel::checkpointId).isEqualTo("ckpt-new");
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextChangeIsStillApplied() {
        String alias = "alias-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.SERVING_DESIRED, "inference-service",
                alias, desired(alias, "ckpt-x", 1), () -> serves(alias, "ckpt-x"));
    }
}
