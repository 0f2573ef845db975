package dev.ladd.platform.events;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunRequested;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay against a real broker and a real PostgreSQL: an event the broker always rejects (larger than its
 * topic's {@code max.message.bytes}) is retried, then parked with the broker's reason, and holds back only the later
 * events of its own topic and key; the metric and the admin endpoint show it, and a retry sends it, in order.
 */
@SpringBootTest(classes = RelayTestPlatform.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.cloud.stream.kafka.binder.brokers")
@ContextConfiguration(initializers = RelayTestPlatform.Initializer.class)
@TestPropertySource(properties = {
        "ladd.outbox.poll-interval=200ms", "ladd.outbox.max-attempts=3", "ladd.outbox.retry-backoff=100ms",
        "ladd.outbox.max-retry-backoff=200ms", "ladd.outbox.send-timeout=20s", "ladd.outbox.lease-ttl=60s"})
class OutboxRelayTest {

    private static final String SMALL = "relay.small-records";
    private static final String OTHER = "relay.other";

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;
    @Value("${spring.cloud.stream.kafka.binder.brokers}")
    String brokers;
    @LocalServerPort
    int port;

    @Test
    void aRecordTheBrokerRejectsIsParkedWithItsReasonAfterItsAttemptsAndHoldsBackOnlyTheLaterEventsOfItsKey()
            throws Exception {
        RelayTestPlatform.createTopic(brokers, SMALL, Map.of("max.message.bytes", "1500"));
        RelayTestPlatform.createTopic(brokers, OTHER, Map.of());
        long[] ids = tx.execute(s -> new long[]{
                publish(SMALL, "a", "too-large", 6000),      // the broker rejects it, every time
                publish(SMALL, "a", "a-after", 10),          // same topic and key: must wait behind it
                publish(SMALL, "b", "b-after", 10),          // another key: goes
                publish(OTHER, "a", "other-topic", 10)});    // the same key on another topic: goes

        assertThat(RelayTestPlatform.read(brokers, OTHER, 1, Duration.ofSeconds(60)))
                .extracting(r -> r.value().getRunRequested().getRunId()).containsExactly("other-topic");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> jdbc.queryForObject("SELECT parked_at IS NOT NULL FROM outbox_event WHERE id = ?",
                        Boolean.class, ids[0]));
        assertThat(runIds(RelayTestPlatform.read(brokers, SMALL, 1, Duration.ofSeconds(30)))).containsExactly("b-after");

        Map<String, Object> parked = jdbc.queryForMap("SELECT * FROM outbox_event WHERE id = ?", ids[0]);
        assertThat(parked.get("attempts")).isEqualTo(3);
        assertThat((String) parked.get("last_error")).contains("RecordTooLargeException");
        Map<String, Object> heldBack = jdbc.queryForMap("SELECT * FROM outbox_event WHERE id = ?", ids[1]);
        assertThat(heldBack.get("attempts")).as("never sent ahead of the parked event of its key").isEqualTo(0);
        assertThat(heldBack.get("parked_at")).isNull();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event", Integer.class)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.get(OutboxRelay.PARKED_METRIC).gauge().value() == 1.0);
        assertThat(meters.get(OutboxRelay.FAILED_SENDS_METRIC).counter().count()).isGreaterThanOrEqualTo(3);

        HttpResponse<String> list = RelayTestPlatform.call(port, "GET", "/api/v1/outbox/parked", "admin");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"id\":" + ids[0], "\"topic\":\"" + SMALL + "\"", "\"key\":\"a\"",
                "\"attempts\":3", "\"eventType\":\"RunRequested\"", "RecordTooLargeException", "\"heldBack\":1",
                "\"createdAt\":", "\"parkedAt\":");

        for (String role : new String[]{"ml-staff", "viewer", null}) {
            HttpResponse<String> refused = RelayTestPlatform.call(port, "POST",
                    "/api/v1/outbox/parked/" + ids[0] + "/retry", role);
            assertThat(refused.statusCode()).as(String.valueOf(role)).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("needs an admin key");
        }
        assertThat(RelayTestPlatform.call(port, "GET", "/api/v1/outbox/parked", "ml-staff").statusCode()).isEqualTo(403);
        HttpResponse<String> notParked = RelayTestPlatform.call(port, "POST", "/api/v1/outbox/parked/" + ids[1] + "/retry",
                "admin");
        assertThat(notParked.statusCode()).isEqualTo(404);
        assertThat(notParked.body()).contains("no parked outbox event " + ids[1]);
        assertThat(jdbc.queryForObject("SELECT parked_at IS NOT NULL FROM outbox_event WHERE id = ?", Boolean.class,
                ids[0])).as("still parked after the refused calls").isTrue();

        // the operator fixes the cause, then re-queues the event: it goes, and the event held behind it follows
        RelayTestPlatform.setTopicConfig(brokers, SMALL, "max.message.bytes", "1048588");
        assertThat(RelayTestPlatform.call(port, "POST", "/api/v1/outbox/parked/" + ids[0] + "/retry", "admin")
                .statusCode()).isEqualTo(202);
        assertThat(runIds(RelayTestPlatform.read(brokers, SMALL, 3, Duration.ofSeconds(60))))
                .containsExactly("b-after", "too-large", "a-after");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM outbox_event", Integer.class) == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.get(OutboxRelay.PARKED_METRIC).gauge().value() == 0.0);
        assertThat(RelayTestPlatform.call(port, "GET", "/api/v1/outbox/parked", "admin").body()).isEqualTo("[]");
    }

    @Test
    void aParkedEventThatCanNeverBeSentCanBeDiscardedAndTheLaterEventsOfItsKeyThenGo() throws Exception {
        String topic = "relay.discard";
        RelayTestPlatform.createTopic(brokers, topic, Map.of("max.message.bytes", "1500"));
        long[] ids = tx.execute(s -> new long[]{publish(topic, "k", "never", 6000), publish(topic, "k", "k-after", 10)});
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> jdbc.queryForObject("SELECT parked_at IS NOT NULL FROM outbox_event WHERE id = ?",
                        Boolean.class, ids[0]));
        assertThat(RelayTestPlatform.call(port, "DELETE", "/api/v1/outbox/parked/" + ids[0], "ml-staff").statusCode())
                .isEqualTo(403);
        assertThat(RelayTestPlatform.call(port, "DELETE", "/api/v1/outbox/parked/" + ids[0], "admin").statusCode())
                .isEqualTo(204);
        assertThat(runIds(RelayTestPlatform.read(brokers, topic, 1, Duration.ofSeconds(60)))).containsExactly("k-after");
        assertThat(RelayTestPlatform.call(port, "DELETE", "/api/v1/outbox/parked/" + ids[0], "admin").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aDatabaseAServiceRanOnBeforeParkingExistedGetsThePlatformMigrationAfterTheServicesOwn() {
        // the initializer left platform 0.1 and the service's V1 applied; starting the app applied 0.2 out of order
        List<String> installed = jdbc.queryForList(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank", String.class);
        assertThat(installed).containsExactly("0.1", "1", "0.2");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_relay_lease", Integer.class)).isNotNull();
    }

    /** Queues an event whose payload is about {@code size} bytes; returns its outbox row id. */
    private long publish(String topic, String key, String name, int size) {
        EventEnvelope event = outbox.publish(topic, key, name, EventEnvelope.newBuilder().setRunRequested(
                RunRequested.newBuilder().setRunId(name).setRequestedBy("x".repeat(size))));
        return jdbc.queryForObject("SELECT id FROM outbox_event WHERE event_id = ?", Long.class, event.getEventId());
    }

    private static List<String> runIds(List<ConsumerRecord<String, EventEnvelope>> records) {
        return records.stream().map(r -> r.value().getRunRequested().getRunId()).toList();
    }
}
