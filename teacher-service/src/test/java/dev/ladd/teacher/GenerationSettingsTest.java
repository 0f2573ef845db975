package dev.ladd.teacher;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthetic-data worker's retry settings: the backoff doubles per failed attempt up to its cap. */
class GenerationSettingsTest {

    static TeacherProperties.Generation settings(Duration initial, Duration max) {
        return new TeacherProperties.Generation(true, Duration.ofSeconds(2), 5, initial, max, Duration.ofMinutes(10));
    }

    @Test
    void theBackoffDoublesPerFailedAttemptAndStopsAtItsCap() {
        TeacherProperties.Generation g = settings(Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertThat(g.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(g.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(g.backoffAfter(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(g.backoffAfter(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(g.backoffAfter(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.backoffAfter(1_000)).as("no overflow").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(settings(Duration.ofSeconds(2), Duration.ofMinutes(5)))).isEmpty();
            assertThat(validator.validate(settings(Duration.ofMinutes(5), Duration.ofSeconds(2))))
                    .extracting(v -> v.getMessage()).containsExactly(
                            "ladd.teacher.generation.max-backoff must not be shorter than initial-backoff");
            assertThat(validator.validate(new TeacherProperties.Generation(true, Duration.ofSeconds(2), 0,
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO))).hasSize(2);   // attempts, lease
        }
    }
}
