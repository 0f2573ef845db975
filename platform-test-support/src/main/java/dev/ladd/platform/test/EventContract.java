package dev.ladd.platform.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Value;

/**
 * Base of a service's event tests: a raw {@link TestKafka} client on the broker the service uses
 * (embedded or a container), opened before and closed after each test.
 */
public abstract class EventContract {

    @Value("${spring.cloud.stream.kafka.binder.brokers}")
    protected String brokers;

    protected TestKafka kafka;

    @BeforeEach
    void openKafka() {
        kafka = new TestKafka(brokers);
    }

    @AfterEach
    void closeKafka() {
        kafka.close();
    }
}
