package dev.ladd.platform.events;

import dev.ladd.events.v1.EventEnvelope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The processed-event table: remembers which events were applied, inside the applying transaction. */
public class Inbox {

    private final JdbcTemplate jdbc;

    public Inbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** True the first time an event id is seen; false for a redelivery. Must run in the effect's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean recordFirstDelivery(EventEnvelope event) {
        int inserted = jdbc.update("""
                INSERT INTO processed_event (event_id, event_type, producer) VALUES (?, ?, ?)
                ON CONFLICT (event_id) DO NOTHING""",
                event.getEventId(), event.getType(), event.getProducer());
        return inserted == 1;
    }
}
