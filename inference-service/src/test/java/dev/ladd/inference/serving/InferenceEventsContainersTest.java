package dev.ladd.inference.serving;

import dev.ladd.platform.test.ContainersPlatform;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link InferenceEventsContract} on Kafka and PostgreSQL containers; skipped where Docker is absent. */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InferenceEventsContainersTest extends InferenceEventsContract {

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        ContainersPlatform.register(registry);
    }
}
