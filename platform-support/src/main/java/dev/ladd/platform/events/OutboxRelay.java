package dev.ladd.platform.events;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ladd.events.ProtobufEnvelopeConverter;
import dev.ladd.events.v1.EventEnvelope;
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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends outbox rows to Kafka in id order and deletes them once the broker has acknowledged them
 * (producers are idempotent with acks=all and send synchronously). It runs after every commit that
 * queued an event and on a timer, which picks up what a crash left behind. A PostgreSQL advisory lock
 * lets one replica of a service relay at a time, so per-key order holds with several replicas.
 * A crash after the send and before the delete sends that event again: consumers de-duplicate on the
 * event id (at-least-once delivery, effectively-once effects).
 */
public class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final StreamBridge bridge;
    private final long lockKey;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, StreamBridge bridge, String serviceName) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.bridge = bridge;
        this.lockKey = ("ladd-outbox:" + serviceName).hashCode();
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

    /** Relays until the outbox is empty or sending fails; returns how many events were sent. */
    public int relayPending() {
        int sent = 0;
        try {
            int batch;
            do {
                batch = relayBatch();
                sent += batch;
            } while (batch == BATCH);
        } catch (RuntimeException e) {
            log.warn("outbox relay paused, will retry: {}", e.getMessage());
        }
        return sent;
    }

    private int relayBatch() {
        Integer sent = tx.execute(status -> {
            Boolean locked = jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, lockKey);
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<OutboxRow> rows = jdbc.query(
                    "SELECT id, topic, message_key, payload FROM outbox_event ORDER BY id LIMIT ?",
                    (rs, i) -> new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)),
                    BATCH);
            for (OutboxRow row : rows) {
                send(row);
                jdbc.update("DELETE FROM outbox_event WHERE id = ?", row.id());
            }
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    private void send(OutboxRow row) {
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

    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private record OutboxRow(long id, String topic, String key, byte[] payload) {
    }
}
