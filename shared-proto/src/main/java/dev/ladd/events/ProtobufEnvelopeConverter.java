package dev.ladd.events;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ladd.events.v1.EventEnvelope;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.util.MimeType;

/**
 * Spring Cloud Stream message converter for {@code application/x-protobuf}: {@link EventEnvelope} to
 * bytes and back. A payload that is not a valid envelope fails with a {@link MessageConversionException}
 * that says why, so the binder dead-letters it instead of handing garbage to a consumer.
 */
public class ProtobufEnvelopeConverter extends AbstractMessageConverter {

    public static final MimeType PROTOBUF = MimeType.valueOf("application/x-protobuf");

    public ProtobufEnvelopeConverter() {
        super(PROTOBUF);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return EventEnvelope.class.isAssignableFrom(clazz);
    }

    @Override
    protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
        if (!(message.getPayload() instanceof byte[] bytes)) {
            throw new MessageConversionException(message,
                    "expected a byte[] protobuf payload, got " + message.getPayload().getClass().getName());
        }
        EventEnvelope envelope;
        try {
            envelope = EventEnvelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MessageConversionException(message,
                    "payload of " + bytes.length + " bytes is not a valid EventEnvelope protobuf: " + e.getMessage());
        }
        String problem = EventEnvelopes.problem(envelope);
        if (problem != null) {
            throw new MessageConversionException(message, "invalid EventEnvelope: " + problem);
        }
        return envelope;
    }

    @Override
    protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
        return ((EventEnvelope) payload).toByteArray();
    }
}
