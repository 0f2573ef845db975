package dev.ladd.teacher.training;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An autoencoder training job: train a KL autoencoder (32×32×1 ↔ 4×8×8) and register it, with its PSNR on
 * held-out images, as a latent space teachers can be trained in.
 *
 * @param autoencoderId the id the trained autoencoder is registered under
 * @param dataset       "fashion-mnist" (the installed dataset; held out: its test split) or "tiny" (generated in
 *                      code, for tests; held out: images generated from another seed)
 * @param images        how many training images to use (the first n)
 * @param baseChannels  the width at full resolution (16 for the default autoencoder, 4 for a tiny one in tests)
 */
public record AutoencoderJobRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String autoencoderId,
        @NotNull @Pattern(regexp = "fashion-mnist|tiny", message = "must be 'fashion-mnist' or 'tiny'") String dataset,
        @Min(16) @Max(60_000) int images,
        @Min(1) @Max(1_000_000) long steps,
        @Min(1) @Max(1024) int batchSize,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") float learningRate,
        @Min(1) @Max(128) int baseChannels,
        long seed) {
}
