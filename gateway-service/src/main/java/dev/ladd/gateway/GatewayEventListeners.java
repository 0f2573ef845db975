package dev.ladd.gateway;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.gateway.checkpoint.CheckpointCatalog;
import dev.ladd.gateway.run.RunGatewayService;
import dev.ladd.gateway.serving.ServingStatusService;
import dev.ladd.platform.events.IdempotentConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/** Kafka inputs of gateway-service (bindings in application.yml). */
@Configuration
class GatewayEventListeners {

    @Bean
    Consumer<EventEnvelope> runLifecycle(IdempotentConsumer consumer, RunGatewayService runs) {
        return event -> consumer.apply(event, runs::handle);
    }

    @Bean
    Consumer<EventEnvelope> servingStatus(IdempotentConsumer consumer, ServingStatusService serving) {
        return event -> consumer.apply(event, serving::handle);
    }

    @Bean
    Consumer<EventEnvelope> checkpoints(IdempotentConsumer consumer, CheckpointCatalog catalog) {
        return event -> consumer.apply(event, catalog::handle);
    }

    @Bean
    Consumer<EventEnvelope> checkpointScores(IdempotentConsumer consumer, CheckpointCatalog catalog) {
        return event -> consumer.apply(event, catalog::handle);
    }
}
