package dev.ladd.platform.test;

import dev.ladd.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Raw Kafka access for tests: send exact bytes (valid or not) and read what a service wrote. */
public final class TestKafka implements AutoCloseable {

    private final String brokers;
    private final KafkaProducer<String, byte[]> producer;

    public TestKafka(String brokers) {
        this.brokers = brokers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    public void send(String topic, String key, EventEnvelope event) {
        send(topic, key, event.toByteArray());
    }

    /** Sends bytes as they are, without headers, as a foreign producer would. */
    public void send(String topic, String key, byte[] payload) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads every partition of the topic from the beginning until {@code count} records arrived or the
     * timeout passed. Uses no consumer group, so nothing is committed and closing is instant.
     */
    public List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && Instant.now().isBefore(deadline)) {
                partitions = consumer.listTopics(Duration.ofSeconds(2)).getOrDefault(topic, List.of()).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    sleep();
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < count && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads platform events from a topic (see {@link #read}). */
    public List<EventEnvelope> readEvents(String topic, int count, Duration timeout) {
        return read(topic, count, timeout).stream().map(r -> {
            try {
                return EventEnvelope.parseFrom(r.value());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("record on " + topic + " is not an EventEnvelope", e);
            }
        }).toList();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
