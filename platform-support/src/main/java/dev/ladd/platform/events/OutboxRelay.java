package dev.ladd.platform.events;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ladd.events.ProtobufEnvelopeConverter;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.PlatformProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends outbox rows to Kafka and deletes each once the broker has acknowledged it (producers are idempotent with
 * acks=all and send synchronously). It runs after every commit that queued an event and on a timer, which picks up
 * what a crash, a broker outage or a back-off left behind.
 * <p>
 * One row at a time, in three steps, so that no database connection or transaction is held while the broker
 * answers (a send blocks at most {@code ladd.outbox.send-timeout}):
 * <ol>
 *   <li>a short transaction renews this replica's relay lease and claims the next row (counts the attempt);</li>
 *   <li>the send, outside any transaction;</li>
 *   <li>a short transaction deletes the row, or records the failure: the row is retried after a doubling back-off
 *       and, after {@code ladd.outbox.max-attempts} failures, parked with the broker's reason
 *       ({@link ParkedEvents}, metric {@value #PARKED_METRIC}).</li>
 * </ol>
 * Order: the next row is the oldest row that is due and is the oldest of its (topic, key), so events of one key
 * reach Kafka in the order they were written, and a failing or parked row holds back only the later events of its
 * own topic and key, never the others (docs/adr/015). The relay lease (a row with an expiry, renewed before every
 * send and given up when the pass ends) lets one replica of a service relay at a time. A crash after the send and before the delete sends that event
 * again: consumers de-duplicate on the event id (at-least-once delivery, effectively-once effects).
 */
public class OutboxRelay implements AutoCloseable {

    /** Gauge: events parked after too many failed sends, waiting for an operator. */
    public static final String PARKED_METRIC = "ladd.outbox.parked";
    /** Counter: failed sends (each is retried until the event is parked). */
    public static final String FAILED_SENDS_METRIC = "ladd.outbox.send.failures";

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final String LEASE = "outbox";
    private static final int MAX_ERROR_LENGTH = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final StreamBridge bridge;
    private final PlatformProperties.Outbox settings;
    private final String holder = UUID.randomUUID().toString();
    private final AtomicLong parked = new AtomicLong();
    private final Counter failedSends;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, StreamBridge bridge, PlatformProperties.Outbox settings,
                       MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.bridge = bridge;
        this.settings = settings;
        Gauge.builder(PARKED_METRIC, parked, AtomicLong::get)
                .description("outbox events parked after too many failed sends; GET /api/v1/outbox/parked lists them")
                .register(meters);
        this.failedSends = Counter.builder(FAILED_SENDS_METRIC)
                .description("outbox sends that failed (retried with back-off, parked after ladd.outbox.max-attempts)")
                .register(meters);
    }

    /** Asks for a relay pass soon, on the relay's own thread; passes requested meanwhile are merged. */
    public void wakeUp() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    scheduled.set(false);
                    relayPending();
                });
            } catch (RejectedExecutionException e) {
                // closed: the service is stopping (its timer may still fire once); the next start relays the rest
                log.debug("outbox relay closed; not relaying");
            }
        }
    }

    /**
     * Sends every row that is due, until none is left, another replica holds the relay lease or the database fails;
     * returns how many events were sent. A failed send does not end the pass: the other keys' rows go on.
     */
    public int relayPending() {
        int sent = 0;
        try {
            Optional<OutboxRow> row;
            while (!worker.isShutdown() && (row = claimNext()).isPresent()) {
                if (send(row.get())) {
                    sent++;
                }
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay paused, will retry: {}", e.getMessage());
        }
        try {
            // the pass is over: whichever replica wakes next may relay (a replica that dies mid-pass lets it expire)
            jdbc.update("DELETE FROM outbox_relay_lease WHERE relay = ? AND holder = ?", LEASE, holder);
            refreshParkedCount();
        } catch (RuntimeException e) {
            log.debug("could not give up the relay lease or count parked outbox events: {}", e.getMessage());
        }
        return sent;
    }

    /** Step 1: renews the lease and claims the next row that is due, counting the attempt; empty if none or no lease. */
    private Optional<OutboxRow> claimNext() {
        return tx.execute(status -> {
            if (!renewLease()) {
                return Optional.<OutboxRow>empty();
            }
            Optional<OutboxRow> next = jdbc.query("""
                    SELECT o.id, o.topic, o.message_key, o.payload, o.attempts FROM outbox_event o
                    WHERE o.parked_at IS NULL AND o.next_attempt_at <= now()
                      AND NOT EXISTS (SELECT 1 FROM outbox_event older
                                      WHERE older.topic = o.topic AND older.message_key = o.message_key
                                        AND older.id < o.id)
                    ORDER BY o.id LIMIT 1""",
                    (rs, i) -> new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                            rs.getInt(5) + 1)).stream().findFirst();
            next.ifPresent(row -> jdbc.update("UPDATE outbox_event SET attempts = ? WHERE id = ?", row.attempt(),
                    row.id()));
            return next;
        });
    }

    /** Takes or renews this replica's relay lease; false while another replica holds an unexpired one. */
    private boolean renewLease() {
        return jdbc.update("""
                INSERT INTO outbox_relay_lease (relay, holder, lease_until)
                VALUES (?, ?, now() + ? * interval '1 millisecond')
                ON CONFLICT (relay) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
                WHERE outbox_relay_lease.holder = excluded.holder OR outbox_relay_lease.lease_until < now()""",
                LEASE, holder, settings.leaseTtl().toMillis()) == 1;
    }

    /** Steps 2 and 3: sends outside any transaction, then records the outcome in a short one; true if sent. */
    private boolean send(OutboxRow row) {
        try {
            sendToKafka(row);
        } catch (RuntimeException e) {
            recordFailure(row, reason(e));
            return false;
        }
        jdbc.update("DELETE FROM outbox_event WHERE id = ?", row.id());
        return true;
    }

    private void sendToKafka(OutboxRow row) {
        EventEnvelope event;
        try {
            event = EventEnvelope.parseFrom(row.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("outbox row " + row.id() + " does not hold an EventEnvelope", e);
        }
        Message<EventEnvelope> message = MessageBuilder.withPayload(event)
                .setHeader(KafkaHeaders.KEY, row.key().getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, ProtobufEnvelopeConverter.PROTOBUF.toString())
                .build();
        if (!bridge.send(row.topic(), message)) {
            throw new IllegalStateException("Kafka did not accept event " + row.id() + " for " + row.topic());
        }
    }

    private void recordFailure(OutboxRow row, String reason) {
        failedSends.increment();
        boolean park = row.attempt() >= settings.maxAttempts();
        jdbc.update("""
                UPDATE outbox_event SET last_error = ?, next_attempt_at = now() + ? * interval '1 millisecond',
                                        parked_at = CASE WHEN ? THEN now() END
                WHERE id = ?""",
                reason, settings.backoffAfter(row.attempt()).toMillis(), park, row.id());
        if (park) {
            log.error("outbox event {} for {} (key {}) is parked after {} failed sends: {}; later events of that key "
                            + "wait behind it until an admin retries it (POST /api/v1/outbox/parked/{}/retry) or discards it",
                    row.id(), row.topic(), row.key(), row.attempt(), reason, row.id());
        } else {
            log.warn("outbox event {} for {} (key {}): send {} of {} failed, retrying in {}: {}", row.id(), row.topic(),
                    row.key(), row.attempt(), settings.maxAttempts(), settings.backoffAfter(row.attempt()), reason);
        }
    }

    /** The failure in words, cause by cause, without repeats: the broker's reason is the last of them. */
    static String reason(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && parts.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            parts.add(t.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        }
        String reason = String.join(" <- ", parts);
        return reason.length() > MAX_ERROR_LENGTH ? reason.substring(0, MAX_ERROR_LENGTH) + "…" : reason;
    }

    void refreshParkedCount() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE parked_at IS NOT NULL", Long.class);
        parked.set(count == null ? 0 : count);
    }

    /** Stops relaying after the current send (each pass gives up the lease when it ends). */
    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private record OutboxRow(long id, String topic, String key, byte[] payload, int attempt) {
    }
}
