package dev.ladd.platform.test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A service's integration test against real parts: the whole Spring Boot app on a random port, an
 * in-process KRaft Kafka broker ({@code @EmbeddedKafka}) and a real PostgreSQL ({@link TestPostgres}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.cloud.stream.kafka.binder.brokers")
@ContextConfiguration(initializers = EmbeddedPlatformInitializer.class)
@TestPropertySource(properties = {
        "logging.level.org.apache.kafka=WARN",
        "logging.level.kafka=WARN",
        "logging.level.org.apache.zookeeper=WARN",
        "logging.level.state.change.logger=WARN",
        "ladd.outbox.poll-interval=500ms"
})
public @interface ServiceIntegrationTest {
}
