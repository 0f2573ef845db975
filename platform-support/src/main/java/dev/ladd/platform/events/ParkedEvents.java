package dev.ladd.platform.events;

import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;

/**
 * The outbox events the relay parked after too many failed sends (docs/adr/015), for operators: list them with the
 * reason, re-queue one (after fixing its cause, e.g. raising the topic's {@code max.message.bytes}) or discard one
 * that can never be sent, which lets the later events of its key go.
 */
public class ParkedEvents {

    private static final Logger log = LoggerFactory.getLogger(ParkedEvents.class);

    /**
     * A parked event.
     *
     * @param heldBack later events of the same topic and key, waiting behind it (per-key order)
     */
    public record ParkedEvent(long id, String eventId, String eventType, String topic, String key, int attempts,
                              String lastError, Instant createdAt, Instant parkedAt, int heldBack) {
    }

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;

    public ParkedEvents(JdbcTemplate jdbc, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.relay = relay;
    }

    /** Every parked event, oldest first. */
    public List<ParkedEvent> list() {
        return jdbc.query("""
                SELECT p.id, p.event_id, p.event_type, p.topic, p.message_key, p.attempts, p.last_error, p.created_at,
                       p.parked_at,
                       (SELECT count(*) FROM outbox_event l
                        WHERE l.topic = p.topic AND l.message_key = p.message_key AND l.id > p.id) AS held_back
                FROM outbox_event p WHERE p.parked_at IS NOT NULL ORDER BY p.id""",
                (rs, i) -> new ParkedEvent(rs.getLong("id"), rs.getString("event_id"), rs.getString("event_type"),
                        rs.getString("topic"), rs.getString("message_key"), rs.getInt("attempts"),
                        rs.getString("last_error"), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("parked_at").toInstant(), rs.getInt("held_back")));
    }

    /** Re-queues a parked event with a fresh count of attempts; the relay tries it at once. */
    public void retry(long id, String by) {
        if (jdbc.update("""
                UPDATE outbox_event SET parked_at = NULL, attempts = 0, next_attempt_at = now()
                WHERE id = ? AND parked_at IS NOT NULL""", id) == 0) {
            throw notParked(id);
        }
        log.info("parked outbox event {} re-queued by {}", id, by);
        relay.wakeUp();
    }

    /** Deletes a parked event for good (it is never sent); the later events of its key follow. */
    public void discard(long id, String by) {
        List<String> eventIds = jdbc.queryForList(
                "DELETE FROM outbox_event WHERE id = ? AND parked_at IS NOT NULL RETURNING event_id", String.class, id);
        if (eventIds.isEmpty()) {
            throw notParked(id);
        }
        log.warn("parked outbox event {} (event id {}) discarded by {}: it will never be sent", id, eventIds.get(0), by);
        relay.wakeUp();
    }

    private static NotFoundException notParked(long id) {
        return new NotFoundException("no parked outbox event " + id);
    }
}
