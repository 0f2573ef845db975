package dev.ladd.eval.checkpoint;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.events.IdempotentConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/** Kafka inputs of eval-service (bindings in application.yml). */
@Configuration
class EvalEventListeners {

    @Bean
    Consumer<EventEnvelope> checkpointPublished(IdempotentConsumer consumer, CheckpointIntakeService intake) {
        return event -> consumer.apply(event, intake::handle);
    }
}
