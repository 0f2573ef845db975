package dev.ladd.platform;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformPropertiesTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private static PlatformProperties.Outbox outbox(Duration sendTimeout, int maxAttempts, Duration backoff,
                                                    Duration maxBackoff, Duration leaseTtl) {
        return new PlatformProperties.Outbox(Duration.ofSeconds(2), sendTimeout, maxAttempts, backoff, maxBackoff,
                leaseTtl);
    }

    @Test
    void theRelaySettingsAreCheckedAtStart() {
        assertThat(validator.validate(outbox(Duration.ofSeconds(10), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofSeconds(30)))).isEmpty();
        assertThat(validator.validate(outbox(Duration.ofSeconds(20), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofSeconds(30)))).extracting(v -> v.getMessage())
                .containsExactly("ladd.outbox.lease-ttl must be at least twice ladd.outbox.send-timeout, so that a send "
                        + "never outlasts the lease it started under");
        assertThat(validator.validate(outbox(Duration.ofSeconds(10), 5, Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(30)))).hasSize(1);
        assertThat(validator.validate(outbox(Duration.ofMillis(500), 0, Duration.ZERO, Duration.ofMinutes(1),
                Duration.ofSeconds(30)))).extracting(v -> v.getPropertyPath().toString())
                .containsExactlyInAnyOrder("sendTimeout", "maxAttempts", "retryBackoff");
    }

    @Test
    void theBackoffDoublesAfterEachFailureUpToItsMaximum() {
        PlatformProperties.Outbox settings = outbox(Duration.ofSeconds(10), 5, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(settings.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.backoffAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.backoffAfter(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.backoffAfter(1000)).isEqualTo(Duration.ofSeconds(5));
    }
}
