package dev.ladd.platform.events;

import dev.ladd.events.v1.EventEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.function.Consumer;

/**
 * Applies an event at most once: the inbox row and the event's effect (including any events it
 * publishes through the {@link Outbox}) commit in one transaction. A redelivered event is skipped.
 * An exception rolls everything back; the binder then retries and finally dead-letters the record.
 */
public class IdempotentConsumer {

    private static final Logger log = LoggerFactory.getLogger(IdempotentConsumer.class);

    private final Inbox inbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    public IdempotentConsumer(Inbox inbox, TransactionTemplate tx, MeterRegistry meters) {
        this.inbox = inbox;
        this.tx = tx;
        this.meters = meters;
    }

    public void apply(EventEnvelope event, Consumer<EventEnvelope> effect) {
        if (event.getPayloadCase() == EventEnvelope.PayloadCase.PAYLOAD_NOT_SET) {
            // written by a newer producer with a payload type this version does not know: skip, do not fail
            log.info("skipping event {} of unknown type '{}' from {}", event.getEventId(), event.getType(), event.getProducer());
            count(event, "unknown-type");
            return;
        }
        Boolean applied = tx.execute(status -> {
            if (!inbox.recordFirstDelivery(event)) {
                return false;
            }
            effect.accept(event);
            return true;
        });
        if (Boolean.TRUE.equals(applied)) {
            count(event, "applied");
        } else {
            log.info("event {} ({}) was already applied; skipping the redelivery", event.getEventId(), event.getType());
            count(event, "duplicate");
        }
    }

    private void count(EventEnvelope event, String outcome) {
        meters.counter("ladd.events.consumed", "type", event.getType().isEmpty() ? "unknown" : event.getType(),
                "outcome", outcome).increment();
    }
}
