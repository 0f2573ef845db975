package dev.ladd.teacher.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered autoencoder: a latent space teachers can be trained in.
 *
 * @param source        trained | imported | from-teacher
 * @param weightsSha256 its safetensors blob
 * @param config        its architecture (AutoencoderConfig), from its manifest
 * @param metrics       e.g. psnr_db on held-out images, final_loss
 */
public record RegisteredAutoencoder(String autoencoderId, String source, String weightsSha256, Map<String, Object> config,
                                    Map<String, Double> metrics, long step, Instant createdAt) {
}
