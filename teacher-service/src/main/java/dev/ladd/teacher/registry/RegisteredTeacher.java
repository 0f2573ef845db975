package dev.ladd.teacher.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered teacher model.
 *
 * @param source                   registered | imported | trained
 * @param weightsSha256            its safetensors blob
 * @param autoencoderWeightsSha256 the autoencoder whose latent space it works in, or null if it has none
 * @param config                   its architecture, from its manifest (null for teachers registered before V4)
 * @param metrics                  its manifest's metrics, e.g. final_loss (null for teachers registered before V4)
 * @param step                     the training step of its checkpoint (null for teachers registered before V4)
 */
public record RegisteredTeacher(String teacherId, String description, String source, String weightsSha256,
                                String autoencoderWeightsSha256, Map<String, Object> config, Map<String, Double> metrics,
                                Long step, Instant createdAt) {
}
