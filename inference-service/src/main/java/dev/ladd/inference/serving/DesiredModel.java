package dev.ladd.inference.serving;

import dev.ladd.ml.blob.ModelRef;

import java.time.Instant;

/**
 * The checkpoint an alias should serve, as last announced on the serving-desired topic: the student's
 * weights and manifest and the autoencoder that decodes its latents (null in rows stored before the
 * autoencoder travelled with the event).
 */
public record DesiredModel(String alias, String checkpointId, long revision, ModelRef student, ModelRef autoencoder,
                           Instant updatedAt) {
}
