package dev.ladd.eval.checkpoint;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** eval-service's consumer over a real broker and a real PostgreSQL. */
abstract class EvalEventsContract extends EventContract {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    BlobStore blobs;

    static BlobRef ref(BlobId id) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }

    EventEnvelope published(String checkpointId, BlobRef weights, BlobRef manifest) {
        return TestEvents.from("trainer-service", "run-1", EventEnvelope.newBuilder().setCheckpointPublished(
                CheckpointPublished.newBuilder().setRunId("run-1").setCheckpointId(checkpointId).setStep(100)
                        .setTeacherId("teacher-1").setWeights(weights).setManifest(manifest)));
    }

    EventEnvelope validCheckpoint(String checkpointId) throws Exception {
        BlobId weights = blobs.put(("weights of " + checkpointId).getBytes(StandardCharsets.UTF_8));
        BlobId manifest = blobs.put(("{\"checkpoint\":\"" + checkpointId + "\"}").getBytes(StandardCharsets.UTF_8));
        return published(checkpointId, ref(weights), ref(manifest));
    }

    boolean recorded(String checkpointId) {
        return checkpoints.find(checkpointId).isPresent();
    }

    @Test
    void aCheckpointDeliveredTwiceIsRecordedOnce() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        String marker = "ckpt-" + UUID.randomUUID();
        EventEnvelope event = validCheckpoint(id);

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.CHECKPOINTS, "run-1", event, validCheckpoint(marker),
                () -> recorded(marker), () -> {
                    assertThat(checkpoints.find(id)).get().extracting(CheckpointRecord::state).isEqualTo("pending");
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM processed_event WHERE event_id = ?",
                            Integer.class, event.getEventId())).isEqualTo(1);
                });
    }

    @Test
    void aCheckpointWhoseWeightsFailTheChecksumIsRefusedAndAnnounced() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        BlobId manifest = blobs.put("{}".getBytes(StandardCharsets.UTF_8));
        BlobRef missingWeights = BlobRef.newBuilder().setSha256("ab".repeat(32)).setSizeBytes(10).build();

        kafka.send(Topics.CHECKPOINTS, "run-1", published(id, missingWeights, ref(manifest)));

        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(id));
        assertThat(checkpoints.find(id)).get().satisfies(c -> {
            assertThat(c.state()).isEqualTo("refused");
            assertThat(c.refusalReason()).contains("weights").contains("ab".repeat(32));
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.CHECKPOINT_SCORES, Integer.MAX_VALUE, Duration.ofSeconds(3)))
                        .anySatisfy(e -> {
                            assertThat(e.getCheckpointScored().getCheckpointId()).isEqualTo(id);
                            assertThat(e.getCheckpointScored().getRefused()).isTrue();
                        }));
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextCheckpointIsStillRecorded() throws Exception {
        String id = "ckpt-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.CHECKPOINTS, "eval-service",
                "run-1", validCheckpoint(id), () -> recorded(id));
    }
}
