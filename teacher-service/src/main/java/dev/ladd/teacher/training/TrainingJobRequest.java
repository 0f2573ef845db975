package dev.ladd.teacher.training;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A teacher training job: train a new teacher in the latent space of an existing autoencoder, named either
 * through a registered teacher ({@code baseTeacher}) or directly ({@code autoencoderId}); exactly one of the two.
 *
 * @param teacherId     the id the trained teacher is registered under
 * @param baseTeacher   a registered teacher whose autoencoder encodes the data (e.g. "default"), or null
 * @param autoencoderId a registered autoencoder (see {@link AutoencoderJobRequest}) that encodes the data, or null
 * @param dataset       "fashion-mnist" (the installed dataset) or "tiny" (generated in code, for tests)
 * @param images        how many training images to use (the first n)
 */
public record TrainingJobRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String teacherId,
        @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String baseTeacher,
        @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String autoencoderId,
        @NotNull @Pattern(regexp = "fashion-mnist|tiny", message = "must be 'fashion-mnist' or 'tiny'") String dataset,
        @Min(16) @Max(60_000) int images,
        @Min(1) @Max(1_000_000) long steps,
        @Min(1) @Max(1024) int batchSize,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") float learningRate,
        long seed) {
}
