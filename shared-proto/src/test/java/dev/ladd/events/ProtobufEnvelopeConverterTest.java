package dev.ladd.events;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunRequested;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.MessageBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufEnvelopeConverterTest {

    private final ProtobufEnvelopeConverter converter = new ProtobufEnvelopeConverter();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void roundTripsAnEnvelopeThroughBytes() {
        EventEnvelope sent = EventEnvelopes.wrap("gateway-service", "run-1",
                EventEnvelope.newBuilder().setRunRequested(RunRequested.newBuilder().setRunId("run-1")), clock);

        Message<?> wire = converter.toMessage(sent, new MessageHeaders(java.util.Map.of(
                MessageHeaders.CONTENT_TYPE, ProtobufEnvelopeConverter.PROTOBUF)));
        Object received = converter.fromMessage(wire, EventEnvelope.class);

        assertThat(received).isEqualTo(sent);
        assertThat(sent.getType()).isEqualTo("RunRequested");
        assertThat(sent.getProducer()).isEqualTo("gateway-service");
        assertThat(sent.getCorrelationId()).isEqualTo("run-1");
        assertThat(sent.getSchemaVersion()).isEqualTo(EventEnvelopes.SCHEMA_VERSION);
        assertThat(sent.getOccurredAt().getSeconds()).isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void refusesBytesThatAreNotAnEnvelopeAndSaysWhy() {
        Message<byte[]> garbage = MessageBuilder.withPayload("{not protobuf".getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, ProtobufEnvelopeConverter.PROTOBUF).build();

        assertThatThrownBy(() -> converter.fromMessage(garbage, EventEnvelope.class))
                .isInstanceOf(MessageConversionException.class)
                .hasMessageContaining("not a valid EventEnvelope");
    }

    @Test
    void refusesAnEnvelopeWithoutEventId() {
        Message<byte[]> noId = MessageBuilder.withPayload(EventEnvelope.newBuilder().setSchemaVersion(1).build().toByteArray())
                .setHeader(MessageHeaders.CONTENT_TYPE, ProtobufEnvelopeConverter.PROTOBUF).build();

        assertThatThrownBy(() -> converter.fromMessage(noId, EventEnvelope.class))
                .isInstanceOf(MessageConversionException.class)
                .hasMessageContaining("event_id is empty");
    }

    @Test
    void typeNameIsThePayloadMessageName() {
        assertThat(EventEnvelopes.typeName(EventEnvelope.PayloadCase.SYNTHETIC_SHARD_PRODUCED)).isEqualTo("SyntheticShardProduced");
    }
}
