package dev.ladd.platform.events;

import dev.ladd.events.EventEnvelopes;
import dev.ladd.events.v1.EventEnvelope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;

/**
 * Publishes events transactionally: {@link #publish} writes the event into the outbox table in the
 * caller's transaction; {@link OutboxRelay} sends it to Kafka after the commit. A state change and the
 * events it causes are therefore committed together or not at all.
 */
public class Outbox {

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final String producer;
    private final Clock clock;

    public Outbox(JdbcTemplate jdbc, OutboxRelay relay, String producer, Clock clock) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.producer = producer;
        this.clock = clock;
    }

    /**
     * Wraps the payload in an envelope and queues it for {@code topic} under {@code key}.
     *
     * @param correlationId the run id, or the alias for serving events
     * @return the envelope as it will be sent
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public EventEnvelope publish(String topic, String key, String correlationId, EventEnvelope.Builder payload) {
        EventEnvelope event = EventEnvelopes.wrap(producer, correlationId, payload, clock);
        jdbc.update("INSERT INTO outbox_event (topic, message_key, event_id, event_type, payload) VALUES (?, ?, ?, ?, ?)",
                topic, key, event.getEventId(), event.getType(), event.toByteArray());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
        return event;
    }
}
