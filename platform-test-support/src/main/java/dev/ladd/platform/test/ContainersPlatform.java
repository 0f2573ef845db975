package dev.ladd.platform.test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The Testcontainers variant of the platform's real parts (official Kafka and PostgreSQL images), for
 * machines with Docker. Test classes using it carry {@code @Testcontainers(disabledWithoutDocker = true)}
 * and are skipped cleanly where no Docker engine runs.
 */
public final class ContainersPlatform {

    public static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");
    public static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka-native:4.1.1");

    private ContainersPlatform() {
    }

    /** Starts both containers (once per JVM) and points the service at them. */
    public static void register(DynamicPropertyRegistry registry) {
        if (!POSTGRES.isRunning()) {
            POSTGRES.start();
        }
        if (!KAFKA.isRunning()) {
            KAFKA.start();
        }
        registry.add("spring.datasource.url", POSTGRES::getJdbcUrl);
        registry.add("spring.datasource.username", POSTGRES::getUsername);
        registry.add("spring.datasource.password", POSTGRES::getPassword);
        registry.add("spring.cloud.stream.kafka.binder.brokers", KAFKA::getBootstrapServers);
        registry.add("ladd.service-auth.token", () -> TestServiceToken.VALUE);
        try {
            String blobs = Files.createTempDirectory("ladd-blobs-").toString();
            registry.add("ladd.blob-store.root", () -> blobs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
