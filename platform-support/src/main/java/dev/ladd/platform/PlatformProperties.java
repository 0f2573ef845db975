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
 * @param blobStore   where large payloads live
 * @param outbox      how often the outbox relay looks for events a crash left behind
 * @param serviceAuth how the gateway and the other services know each other
 */
@Validated
@ConfigurationProperties("ladd")
public record PlatformProperties(@NotNull BlobStore blobStore, @NotNull Outbox outbox, @NotNull ServiceAuth serviceAuth) {

    /** @param root the blob store's folder, shared by every service (a shared volume when deployed) */
    public record BlobStore(@NotNull Path root) {
    }

    /** @param pollInterval interval of the relay's safety-net pass */
    public record Outbox(@NotNull @Positive Duration pollInterval) {
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
