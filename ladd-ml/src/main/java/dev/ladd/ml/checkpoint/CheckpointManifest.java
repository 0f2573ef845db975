package dev.ladd.ml.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a checkpoint is, stored as pretty JSON next to its safetensors weights (see {@link CheckpointManifests}).
 *
 * @param formatVersion  manifest format, {@value #FORMAT_VERSION}
 * @param kind           e.g. {@code teacher}, {@code student}, {@code autoencoder}, {@code classifier}
 * @param architecture   the network's config as a JSON object (put any config record in with
 *                       {@link CheckpointManifests#architectureOf(Object)})
 * @param vocabulary     class or token names, may be empty
 * @param latentScale    scale of the latent space, null for models that do not work on latents
 * @param latentShift    shift of the latent space, null for models that do not work on latents
 * @param parent         id of the checkpoint this one was trained or distilled from, or null
 * @param runId          id of the run that produced it, or null
 * @param step           training step
 * @param metrics        evaluation metrics by name
 * @param weightsSha256  lowercase hex SHA-256 of the safetensors file bytes
 * @param weightsDtype   dtype the weights are stored in
 * @param createdAt      ISO-8601 instant, or null
 * @param samplerEta     students only: the share of fresh noise their few-step sampler re-noises with (null = 1,
 *                       the paper's sampler)
 */
public record CheckpointManifest(
        int formatVersion,
        String kind,
        Map<String, Object> architecture,
        List<String> vocabulary,
        Double latentScale,
        Double latentShift,
        String parent,
        String runId,
        long step,
        Map<String, Double> metrics,
        String weightsSha256,
        DType weightsDtype,
        String createdAt,
        Double samplerEta) {

    /** The only manifest format this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public CheckpointManifest {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported formatVersion " + formatVersion + " (supported: " + FORMAT_VERSION + ")");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind is required");
        }
        if (weightsSha256 == null || !SHA256_HEX.matcher(weightsSha256).matches()) {
            throw new IllegalArgumentException("weightsSha256 must be 64 lowercase hex digits, got " + weightsSha256);
        }
        if (samplerEta != null && !(samplerEta >= 0 && samplerEta <= 1)) {
            throw new IllegalArgumentException("samplerEta must lie in [0, 1], got " + samplerEta);
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, got " + step);
        }
        architecture = architecture == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(architecture));
        vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        metrics.forEach((name, value) -> Objects.requireNonNull(value, () -> "metric '" + name + "' is null"));
    }

    /** A manifest of format {@value #FORMAT_VERSION} with only the required fields; add the rest with the {@code with…} methods. */
    public static CheckpointManifest of(String kind, String weightsSha256, DType weightsDtype) {
        return new CheckpointManifest(FORMAT_VERSION, kind, Map.of(), List.of(), null, null, null, null, 0, Map.of(),
                weightsSha256, weightsDtype, null, null);
    }

    public CheckpointManifest withArchitecture(Map<String, Object> value) {
        return new CheckpointManifest(formatVersion, kind, value, vocabulary, latentScale, latentShift, parent, runId, step,
                metrics, weightsSha256, weightsDtype, createdAt, samplerEta);
    }

    public CheckpointManifest withVocabulary(List<String> value) {
        return new CheckpointManifest(formatVersion, kind, architecture, value, latentScale, latentShift, parent, runId, step,
                metrics, weightsSha256, weightsDtype, createdAt, samplerEta);
    }

    public CheckpointManifest withLatent(Double scale, Double shift) {
        return new CheckpointManifest(formatVersion, kind, architecture, vocabulary, scale, shift, parent, runId, step,
                metrics, weightsSha256, weightsDtype, createdAt, samplerEta);
    }

    public CheckpointManifest withLineage(String parentId, String producingRunId, long atStep) {
        return new CheckpointManifest(formatVersion, kind, architecture, vocabulary, latentScale, latentShift, parentId,
                producingRunId, atStep, metrics, weightsSha256, weightsDtype, createdAt, samplerEta);
    }

    public CheckpointManifest withMetrics(Map<String, Double> value) {
        return new CheckpointManifest(formatVersion, kind, architecture, vocabulary, latentScale, latentShift, parent, runId, step,
                value, weightsSha256, weightsDtype, createdAt, samplerEta);
    }

    public CheckpointManifest withCreatedAt(String value) {
        return new CheckpointManifest(formatVersion, kind, architecture, vocabulary, latentScale, latentShift, parent, runId, step,
                metrics, weightsSha256, weightsDtype, value, samplerEta);
    }

    public CheckpointManifest withSamplerEta(Double value) {
        return new CheckpointManifest(formatVersion, kind, architecture, vocabulary, latentScale, latentShift, parent, runId, step,
                metrics, weightsSha256, weightsDtype, createdAt, value);
    }
}
