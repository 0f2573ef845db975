package dev.ladd.platform;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings every service shares ({@code ladd.*}).
 *
 * @param blobStore where large payloads live
 * @param outbox    how often the outbox relay looks for events a crash left behind
 */
@Validated
@ConfigurationProperties("ladd")
public record PlatformProperties(@NotNull BlobStore blobStore, @NotNull Outbox outbox) {

    /** @param root the blob store's folder, shared by every service (a shared volume when deployed) */
    public record BlobStore(@NotNull Path root) {
    }

    /** @param pollInterval interval of the relay's safety-net pass */
    public record Outbox(@NotNull @Positive Duration pollInterval) {
    }
}
