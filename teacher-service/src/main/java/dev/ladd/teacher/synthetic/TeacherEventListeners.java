package dev.ladd.teacher.synthetic;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.events.IdempotentConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/** Kafka inputs of teacher-service (bindings in application.yml). */
@Configuration
class TeacherEventListeners {

    @Bean
    Consumer<EventEnvelope> syntheticDataRequested(IdempotentConsumer consumer, SyntheticDataService service) {
        return event -> consumer.apply(event, service::handle);
    }
}
