package dev.ladd.platform.test;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two checks every service's consumer must pass, over a real broker and database. Each uses a
 * marker event sent after the record under test: partitions are ordered, so once the marker's effect is
 * visible the record before it has been handled too.
 */
public final class ConsumerChecks {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ConsumerChecks() {
    }

    /**
     * Sends {@code event} twice, then {@code marker}; once the marker is applied, {@code appliedOnce}
     * must hold (e.g. exactly one row, exactly one published event).
     */
    public static void redeliveredEventIsAppliedOnce(TestKafka kafka, String topic, String key, EventEnvelope event,
                                                     EventEnvelope marker, BooleanSupplier markerApplied,
                                                     Runnable appliedOnce) {
        kafka.send(topic, key, event);
        kafka.send(topic, key, event);
        kafka.send(topic, key, marker);
        await().atMost(WAIT).until(markerApplied::getAsBoolean);
        appliedOnce.run();
    }

    /**
     * Sends bytes that are not an envelope, then a valid {@code next} event: the bad record must land on
     * the consumer group's dead-letter topic, unchanged, and {@code next} must still be applied.
     */
    public static void malformedPayloadIsDeadLetteredAndConsumingGoesOn(TestKafka kafka, String topic, String group,
                                                                        String key, EventEnvelope next,
                                                                        BooleanSupplier nextApplied) {
        byte[] garbage = ("not a protobuf envelope " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        kafka.send(topic, key, garbage);
        kafka.send(topic, key, next);

        await().atMost(WAIT).until(nextApplied::getAsBoolean);
        String deadLetterTopic = Topics.deadLetter(topic, group);
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> dead = kafka.read(deadLetterTopic, Integer.MAX_VALUE, Duration.ofSeconds(3));
            assertThat(dead).as("records on " + deadLetterTopic)
                    .anySatisfy(r -> assertThat(Arrays.equals(r.value(), garbage)).isTrue());
        });
    }
}
