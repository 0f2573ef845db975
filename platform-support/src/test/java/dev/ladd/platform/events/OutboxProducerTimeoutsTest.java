package dev.ladd.platform.events;

import dev.ladd.platform.PlatformProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxProducerTimeoutsTest {

    @Test
    void oneSendBlocksAtMostTheSendTimeoutHalfForMetadataAndHalfForTheAcknowledgement() {
        Map<String, Object> producer = new HashMap<>(Map.of("delivery.timeout.ms", 120000, "acks", "all"));
        new OutboxProducerTimeouts(new PlatformProperties.Outbox(Duration.ofSeconds(2), Duration.ofSeconds(10), 5,
                Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30))).configure(producer, "b", "t");
        assertThat(producer).containsEntry("max.block.ms", 5000L).containsEntry("delivery.timeout.ms", 5000)
                .containsEntry("request.timeout.ms", 2500).containsEntry("acks", "all");
    }
}
