package dev.ladd.inference.batch;

import dev.ladd.inference.InferenceProperties;
import dev.ladd.inference.model.ServingModels;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The request queue and its worker, generating on the served models. */
@Configuration
class BatchingConfiguration {

    @Bean
    ImageGenerator imageGenerator(ServingModels models, InferenceProperties properties) {
        return new ServedModelGenerator(models, properties.retryAfterSeconds(),
                properties.fixedCallShape() ? properties.maxBatchSize() : 0);
    }

    @Bean(destroyMethod = "close")
    DynamicBatcher dynamicBatcher(ImageGenerator generator, InferenceProperties p, MeterRegistry meters) {
        return new DynamicBatcher(new DynamicBatcher.Settings(p.maxBatchSize(), p.maxBatchWait(), p.queueCapacity(),
                p.retryAfterSeconds()), generator, meters);
    }
}
