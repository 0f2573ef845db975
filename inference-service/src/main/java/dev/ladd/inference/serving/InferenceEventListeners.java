package dev.ladd.inference.serving;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.events.IdempotentConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/** Kafka inputs of inference-service (bindings in application.yml). */
@Configuration
class InferenceEventListeners {

    @Bean
    Consumer<EventEnvelope> servingDesired(IdempotentConsumer consumer, ServingDesiredService service) {
        return event -> consumer.apply(event, service::handle);
    }
}
