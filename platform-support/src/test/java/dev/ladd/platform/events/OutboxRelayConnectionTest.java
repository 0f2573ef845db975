package dev.ladd.platform.events;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunRequested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay holds no database connection while a send waits for the broker. The pool has one connection; the
 * producer's send of the event waits inside the relay's thread until the test lets it go
 * ({@link HoldingProducerInterceptor}). Meanwhile the test runs a transaction on the one connection; then the send
 * completes and the row is deleted.
 */
@SpringBootTest(classes = RelayTestPlatform.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.cloud.stream.kafka.binder.brokers")
@ContextConfiguration(initializers = RelayTestPlatform.Initializer.class)
@TestPropertySource(properties = {
        "spring.datasource.hikari.maximum-pool-size=1", "spring.datasource.hikari.connection-timeout=20000",
        // Flyway needs two connections at once: it migrates on its own, outside the pool of one
        "spring.flyway.url=${spring.datasource.url}", "spring.flyway.user=postgres",
        "spring.cloud.stream.kafka.binder.producer-properties.interceptor.classes="
                + "dev.ladd.platform.events.HoldingProducerInterceptor",
        "ladd.outbox.poll-interval=200ms"})
class OutboxRelayConnectionTest {

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${spring.cloud.stream.kafka.binder.brokers}")
    String brokers;

    @Test
    void whileASendWaitsForTheBrokerTheRelayHoldsNoConnectionAndOtherTransactionsRun() throws Exception {
        String topic = HoldingProducerInterceptor.TOPIC;
        RelayTestPlatform.createTopic(brokers, topic, Map.of());
        String eventId = tx.execute(s -> outbox.publish(topic, "k", "held", EventEnvelope.newBuilder()
                .setRunRequested(RunRequested.newBuilder().setRunId("held"))).getEventId());

        assertThat(HoldingProducerInterceptor.SENDING.await(60, TimeUnit.SECONDS)).as("the relay sends").isTrue();
        try {
            // the relay's thread is inside the send and stays there until released: the pool's one connection is free
            Integer inserted = tx.execute(s -> jdbc.update("INSERT INTO relay_test_note (note) VALUES ('while sending')"));
            assertThat(inserted).isEqualTo(1);
            assertThat(jdbc.queryForMap("SELECT attempts, last_error FROM outbox_event WHERE event_id = ?", eventId))
                    .containsEntry("attempts", 1).containsEntry("last_error", null);
        } finally {
            HoldingProducerInterceptor.release();
        }

        assertThat(RelayTestPlatform.read(brokers, topic, 1, Duration.ofSeconds(60)))
                .extracting(r -> r.value().getEventId()).containsExactly(eventId);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM outbox_event", Integer.class) == 0);
    }
}
