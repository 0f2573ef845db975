package dev.ladd.ml.checkpoint;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link CheckpointManifest}s as pretty JSON. Reading refuses, with a
 * {@link CheckpointManifestException} naming the field, a manifest without formatVersion, kind or
 * weightsSha256, one of an unsupported formatVersion, and one whose fields have the wrong types.
 */
public final class CheckpointManifests {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES) // an absent step reads as 0
            .build();
    private static final List<String> REQUIRED = List.of("formatVersion", "kind", "weightsSha256");

    private CheckpointManifests() {
    }

    /** Pretty JSON (UTF-8) of the manifest. */
    public static byte[] toJson(CheckpointManifest manifest) {
        return JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the manifest to {@code target} atomically (temp file beside it, then rename). */
    public static void write(CheckpointManifest manifest, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".part");
        try {
            Files.write(temp, toJson(manifest));
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " atomically onto " + absolute, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads the manifest at {@code path}; the error names the file. */
    public static CheckpointManifest read(Path path) throws IOException {
        try {
            return read(Files.readAllBytes(path));
        } catch (CheckpointManifestException e) {
            throw new CheckpointManifestException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses a manifest from its JSON bytes. */
    public static CheckpointManifest read(byte[] json) throws CheckpointManifestException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new CheckpointManifestException("checkpoint manifest is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointManifestException("checkpoint manifest must be a JSON object");
        }
        for (String field : REQUIRED) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new CheckpointManifestException("checkpoint manifest has no " + field + " (required)");
            }
        }
        JsonNode version = node.get("formatVersion");
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != CheckpointManifest.FORMAT_VERSION) {
            throw new CheckpointManifestException("checkpoint manifest formatVersion " + version
                    + " is unsupported (this code reads " + CheckpointManifest.FORMAT_VERSION + ")");
        }
        CheckpointManifest manifest;
        try {
            manifest = JSON.treeToValue(node, CheckpointManifest.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new CheckpointManifestException("checkpoint manifest is invalid: " + message(e), e);
        }
        checkCreatedAt(manifest.createdAt());
        return manifest;
    }

    private static void checkCreatedAt(String createdAt) throws CheckpointManifestException {
        if (createdAt == null) {
            return;
        }
        try {
            DateTimeFormatter.ISO_DATE_TIME.parse(createdAt);
        } catch (DateTimeParseException e) {
            throw new CheckpointManifestException("checkpoint manifest createdAt '" + createdAt + "' is not ISO-8601", e);
        }
    }

    private static String message(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof JacksonException jackson ? jackson.getOriginalMessage() : root.getMessage();
    }

    /** Any config object (a record, a map) as the JSON object a manifest's architecture holds. */
    public static Map<String, Object> architectureOf(Object config) {
        return JSON.convertValue(config, new TypeReference<Map<String, Object>>() { });
    }

    /**
     * Refuses, before anything is loaded, a manifest of a kind other than {@code kind} and weights whose
     * SHA-256 is not the manifest's {@code weightsSha256}.
     */
    public static void checkWeights(CheckpointManifest manifest, String kind, byte[] weights) throws CheckpointManifestException {
        if (!kind.equals(manifest.kind())) {
            throw new CheckpointManifestException("checkpoint is of kind '" + manifest.kind() + "', expected '" + kind + "'");
        }
        String sha = BlockWeights.sha256Hex(weights);
        if (!sha.equals(manifest.weightsSha256())) {
            throw new CheckpointManifestException("weights SHA-256 " + sha + " is not the manifest's " + manifest.weightsSha256());
        }
    }

    /** A manifest's architecture bound back to a config type. */
    public static <T> T architectureAs(CheckpointManifest manifest, Class<T> type) {
        return JSON.convertValue(manifest.architecture(), type);
    }
}
