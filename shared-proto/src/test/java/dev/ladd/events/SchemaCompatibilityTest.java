package dev.ladd.events;

import dev.ladd.events.compat.NextEventEnvelope;
import dev.ladd.events.compat.NextPayload;
import dev.ladd.events.compat.NextRunRequested;
import dev.ladd.events.v1.EventEnvelope;
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
