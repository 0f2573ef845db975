package dev.ladd.events;

import dev.ladd.events.compat.NextEventEnvelope;
import dev.ladd.events.compat.NextPayload;
import dev.ladd.events.compat.NextRunRequested;
import dev.ladd.events.compat.PreviousBlobRef;
import dev.ladd.events.compat.PreviousCheckpointPublished;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.RunRequested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaCompatibilityTest {

    @Test
    void olderReaderReadsAMessageWithAnAddedField() throws Exception {
        byte[] newer = NextEventEnvelope.newBuilder()
                .setEventId("e-1").setType("RunRequested").setProducer("gateway-service")
                .setCorrelationId("run-7").setSchemaVersion(1)
                .setRunRequested(NextRunRequested.newBuilder()
                        .setRunId("run-7").setTeacherId("teacher-a").setRequestedBy("alice").setPriority("high"))
                .build().toByteArray();

        EventEnvelope older = EventEnvelope.parseFrom(newer);

        assertThat(older.getPayloadCase()).isEqualTo(EventEnvelope.PayloadCase.RUN_REQUESTED);
        RunRequested run = older.getRunRequested();
        assertThat(run.getRunId()).isEqualTo("run-7");
        assertThat(run.getTeacherId()).isEqualTo("teacher-a");
        assertThat(run.getRequestedBy()).isEqualTo("alice");
        // the unknown field survives a re-serialisation by the older code (no data loss when forwarding)
        assertThat(NextRunRequested.parseFrom(run.toByteArray()).getPriority()).isEqualTo("high");
    }

    @Test
    void olderReaderSeesAnUnknownPayloadTypeAsNotSetInsteadOfFailing() throws Exception {
        byte[] newer = NextEventEnvelope.newBuilder()
                .setEventId("e-2").setType("AddedEvent").setSchemaVersion(1)
                .setAddedEvent(NextPayload.newBuilder().setNote("hello"))
                .build().toByteArray();

        EventEnvelope older = EventEnvelope.parseFrom(newer);

        assertThat(older.getEventId()).isEqualTo("e-2");
        assertThat(older.getType()).isEqualTo("AddedEvent");
        assertThat(older.getPayloadCase()).isEqualTo(EventEnvelope.PayloadCase.PAYLOAD_NOT_SET);
        assertThat(EventEnvelopes.problem(older)).isNull();
    }

    /**
     * CheckpointPublished names its models with ModelRef (fields 13–15, docs/adr/020); the loose weight/manifest
     * fields it had before (4, 5, 8–11) are reserved. A message from a trainer older than that reads as one without
     * models (eval-service refuses it, naming them: accepted before 1.0); an older reader of a newer message keeps the
     * fields it knows, and forwarding it keeps the models.
     */
    @Test
    void modelRefsReplacedTheLoosePairsAndOlderReadersSkipThem() throws Exception {
        byte[] older = PreviousCheckpointPublished.newBuilder().setRunId("run-1").setCheckpointId("run-1-step-2")
                .setStep(2).setTeacherId("t").setWeights(PreviousBlobRef.newBuilder().setSha256("ab".repeat(32)))
                .build().toByteArray();

        CheckpointPublished read = CheckpointPublished.parseFrom(older);

        assertThat(read.getCheckpointId()).isEqualTo("run-1-step-2");
        assertThat(read.hasStudent()).isFalse();
        assertThat(read.hasTeacher()).isFalse();
        assertThat(read.hasAutoencoder()).isFalse();

        byte[] newer = read.toBuilder().setStudent(ModelRef.newBuilder().setWeights(BlobRef.newBuilder().setSha256("cd".repeat(32))))
                .setAutoencoder(ModelRef.newBuilder().setManifest(BlobRef.newBuilder().setSha256("ef".repeat(32))))
                .build().toByteArray();
        PreviousCheckpointPublished byOlderCode = PreviousCheckpointPublished.parseFrom(newer);
        assertThat(byOlderCode.getCheckpointId()).isEqualTo("run-1-step-2");
        assertThat(byOlderCode.getStep()).isEqualTo(2);
        // forwarded by older code, the models survive
        assertThat(CheckpointPublished.parseFrom(byOlderCode.toByteArray()).getAutoencoder().getManifest().getSha256())
                .isEqualTo("ef".repeat(32));
    }

    @Test
    void newerReaderReadsAnOlderMessage() throws Exception {
        byte[] older = EventEnvelope.newBuilder().setEventId("e-3").setSchemaVersion(1)
                .setRunRequested(RunRequested.newBuilder().setRunId("run-1").setTeacherId("t"))
                .build().toByteArray();

        NextEventEnvelope newer = NextEventEnvelope.parseFrom(older);

        assertThat(newer.getRunRequested().getRunId()).isEqualTo("run-1");
        assertThat(newer.getRunRequested().getPriority()).isEmpty();
    }
}
