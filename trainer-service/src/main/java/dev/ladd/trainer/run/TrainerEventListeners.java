package dev.ladd.trainer.run;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.events.IdempotentConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/** Kafka inputs of the trainer (bindings in application.yml); each hands off to {@link RunService}. */
@Configuration
class TrainerEventListeners {

    @Bean
    Consumer<EventEnvelope> runRequested(IdempotentConsumer consumer, RunService runs) {
        return event -> consumer.apply(event, runs::handle);
    }

    @Bean
    Consumer<EventEnvelope> syntheticShards(IdempotentConsumer consumer, RunService runs) {
        return event -> consumer.apply(event, runs::handle);
    }
}
