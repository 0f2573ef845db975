package dev.ladd.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings every service shares ({@code ladd.*}).
 *
 * @param blobStore   where large payloads live
 * @param outbox      how the outbox relay sends, retries and parks events
 * @param serviceAuth how the gateway and the other services know each other
 */
@Validated
@ConfigurationProperties("ladd")
public record PlatformProperties(@NotNull BlobStore blobStore, @NotNull @Valid Outbox outbox,
                                 @NotNull ServiceAuth serviceAuth) {

    /** @param root the blob store's folder, shared by every service (a shared volume when deployed) */
    public record BlobStore(@NotNull Path root) {
    }

    /**
     * The outbox relay (docs/adr/003, docs/adr/015). It sends outside any database transaction, one row at a time.
     *
     * @param pollInterval    interval of the relay's safety-net pass (what a crash, a broker outage or a back-off left)
     * @param sendTimeout     the longest one send may block the relay: the Kafka producer waits at most half of it for
     *                        metadata ({@code max.block.ms}) and half for the broker's acknowledgement, retries included
     *                        ({@code delivery.timeout.ms}); a send that times out counts as a failed attempt
     * @param maxAttempts     failed sends of one event before it is parked (then only an operator's retry sends it)
     * @param retryBackoff    wait after an event's first failed send; doubled after each further failure
     * @param maxRetryBackoff the longest wait between two attempts of one event
     * @param leaseTtl        how long the relay lease of a replica lasts unrenewed (it is renewed before every send):
     *                        after a replica dies, another relays after at most this long; at least 2 × sendTimeout
     */
    public record Outbox(@NotNull @DurationMin(millis = 1) Duration pollInterval,
                         @NotNull @DurationMin(seconds = 1) Duration sendTimeout,
                         @Min(1) @Max(1000) int maxAttempts,
                         @NotNull @DurationMin(millis = 1) Duration retryBackoff,
                         @NotNull @DurationMin(millis = 1) Duration maxRetryBackoff,
                         @NotNull Duration leaseTtl) {

        @AssertTrue(message = "ladd.outbox.lease-ttl must be at least twice ladd.outbox.send-timeout, so that a send "
                + "never outlasts the lease it started under")
        public boolean isLeaseLongEnough() {
            return sendTimeout == null || leaseTtl == null || leaseTtl.compareTo(sendTimeout.multipliedBy(2)) >= 0;
        }

        @AssertTrue(message = "ladd.outbox.max-retry-backoff must not be shorter than ladd.outbox.retry-backoff")
        public boolean isBackoffOrdered() {
            return retryBackoff == null || maxRetryBackoff == null || maxRetryBackoff.compareTo(retryBackoff) >= 0;
        }

        /** The wait before the attempt after {@code failedAttempts} failed ones: doubling, capped. */
        public Duration backoffAfter(int failedAttempts) {
            Duration wait = retryBackoff;
            for (int i = 1; i < failedAttempts && wait.compareTo(maxRetryBackoff) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return wait.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : wait;
        }
    }

    /**
     * @param token the secret the gateway sends and the other services require ({@code ServiceToken}; env
     *              {@code LADD_SERVICE_TOKEN}); checked in code at start, so that no validation message prints it
     */
    public record ServiceAuth(String token) {

        @Override
        public String toString() {
            return "ServiceAuth[token=****]";
        }
    }
}
