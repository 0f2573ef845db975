package dev.ladd.platform.events;

import dev.ladd.platform.PlatformProperties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.cloud.stream.binder.kafka.support.ProducerConfigCustomizer;

import java.time.Duration;
import java.util.Map;

/**
 * Bounds how long one send of the platform's Kafka producers (the outbox relay's, through the binder) blocks:
 * {@code ladd.outbox.send-timeout}, half for metadata ({@code max.block.ms}, e.g. a broker that cannot be reached)
 * and half for the acknowledgement, retries included ({@code delivery.timeout.ms}); one request times out after a
 * quarter ({@code request.timeout.ms}, which Kafka requires to be below the delivery timeout). The binder's
 * synchronous send waits for the delivery timeout, so a stuck broker fails the send instead of stalling the relay.
 */
public class OutboxProducerTimeouts implements ProducerConfigCustomizer {

    private final Duration sendTimeout;

    public OutboxProducerTimeouts(PlatformProperties.Outbox settings) {
        this.sendTimeout = settings.sendTimeout();
    }

    @Override
    public void configure(Map<String, Object> producerProperties, String binding, String destination) {
        long half = sendTimeout.toMillis() / 2;
        producerProperties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, half);
        producerProperties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, half));
        producerProperties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, half / 2));
    }
}
