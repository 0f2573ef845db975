package dev.ladd.events;

import com.google.protobuf.Timestamp;
import dev.ladd.events.v1.EventEnvelope;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Builds envelopes with every common field filled in, and checks the ones that arrive. */
public final class EventEnvelopes {

    /** The envelope layout version written by this code. */
    public static final int SCHEMA_VERSION = 1;

    private EventEnvelopes() {
    }

    /**
     * A new envelope around a payload that is already set on {@code withPayload}.
     *
     * @param producer      the writing service, e.g. "trainer-service"
     * @param correlationId the run id (or the alias for serving events)
     */
    public static EventEnvelope wrap(String producer, String correlationId, EventEnvelope.Builder withPayload, Clock clock) {
        if (withPayload.getPayloadCase() == EventEnvelope.PayloadCase.PAYLOAD_NOT_SET) {
            throw new IllegalArgumentException("an event needs a payload");
        }
        Instant now = clock.instant();
        return withPayload
                .setEventId(UUID.randomUUID().toString())
                .setType(typeName(withPayload.getPayloadCase()))
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setProducer(producer)
                .setCorrelationId(correlationId)
                .setSchemaVersion(SCHEMA_VERSION)
                .build();
    }

    /** "RUN_REQUESTED" → "RunRequested": the payload's message name. */
    public static String typeName(EventEnvelope.PayloadCase payloadCase) {
        StringBuilder name = new StringBuilder();
        for (String part : payloadCase.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return name.toString();
    }

    /**
     * Problems that make an envelope unusable, or null when it is fine. An unknown payload (written by a
     * newer producer) is not a problem here: consumers skip what they do not handle.
     */
    public static String problem(EventEnvelope envelope) {
        if (envelope.getEventId().isBlank()) {
            return "event_id is empty";
        }
        if (envelope.getSchemaVersion() < 1) {
            return "schema_version is missing";
        }
        if (envelope.getSchemaVersion() > SCHEMA_VERSION) {
            return "schema_version " + envelope.getSchemaVersion() + " is newer than this reader's " + SCHEMA_VERSION;
        }
        return null;
    }
}
