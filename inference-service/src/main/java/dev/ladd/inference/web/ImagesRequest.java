package dev.ladd.inference.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/images}: n images of one prompt. Absent fields take their defaults: alias "default", n 1,
 * steps 4, size 32 (the model's native edge), a random seed (returned with each image).
 *
 * @param seed image i uses seed + i; at most 2⁵³ − 1 so that it survives any JSON parser exactly
 * @param size output edge in pixels: the native 32×32 image upscaled by nearest neighbour
 */
public record ImagesRequest(@Size(min = 1, max = 100) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits, '.', '_' and '-' only") String alias,
                            @NotBlank @Size(min = 1, max = 1000) String prompt,
                            @Min(1) @Max(8) Integer n,
                            @Min(1) @Max(8) Integer steps,
                            @Min(0) @Max(ImagesRequest.MAX_SEED) Long seed,
                            @Min(32) @Max(1024) @MultipleOf(32) Integer size) {

    public static final long MAX_SEED = (1L << 53) - 1;
    public static final String DEFAULT_ALIAS = "default";
    public static final int DEFAULT_STEPS = 4;
    public static final int NATIVE_SIZE = 32;

    public String aliasOrDefault() {
        return alias == null ? DEFAULT_ALIAS : alias;
    }

    public int nOrDefault() {
        return n == null ? 1 : n;
    }

    public int stepsOrDefault() {
        return steps == null ? DEFAULT_STEPS : steps;
    }

    public int sizeOrDefault() {
        return size == null ? NATIVE_SIZE : size;
    }
}
