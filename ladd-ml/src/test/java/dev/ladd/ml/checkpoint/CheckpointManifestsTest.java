package dev.ladd.ml.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointManifestsTest {

    record DitConfig(int width, int depth, List<Integer> latentShape, boolean learnSigma) {
    }

    private static final String SHA = "a".repeat(64);

    private static CheckpointManifest student() {
        return CheckpointManifest.of("student", SHA, DType.BF16)
                .withArchitecture(CheckpointManifests.architectureOf(new DitConfig(128, 4, List.of(4, 8, 8), false)))
                .withVocabulary(List.of("cat", "dog"))
                .withLatent(0.18215, 0.0)
                .withLineage("teacher-7", "run-42", 1500)
                .withMetrics(Map.of("fid", 12.5))
                .withCreatedAt("2025-06-01T12:00:00Z");
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsThroughPrettyJson(@TempDir Path dir) throws Exception {
        CheckpointManifest manifest = student();
        Path path = dir.resolve("manifest.json");

        CheckpointManifests.write(manifest, path);
        CheckpointManifest read = CheckpointManifests.read(path);

        assertThat(read).isEqualTo(manifest);
        assertThat(CheckpointManifests.architectureAs(read, DitConfig.class)).isEqualTo(new DitConfig(128, 4, List.of(4, 8, 8), false));
        String text = new String(CheckpointManifests.toJson(manifest), StandardCharsets.UTF_8);
        assertThat(text).contains("\n").contains("\"formatVersion\" : 1").contains("\"weightsDtype\" : \"BF16\"");
    }

    @Test
    void nonLatentModelsHaveNullLatentFieldsAndEmptyCollections() throws Exception {
        CheckpointManifest classifier = CheckpointManifest.of("classifier", SHA, DType.F32);

        CheckpointManifest read = CheckpointManifests.read(CheckpointManifests.toJson(classifier));

        assertThat(read).isEqualTo(classifier);
        assertThat(read.latentScale()).isNull();
        assertThat(read.parent()).isNull();
        assertThat(read.vocabulary()).isEmpty();
        assertThat(read.metrics()).isEmpty();
    }

    @Test
    void onlyTheRequiredFieldsAreNeeded() throws Exception {
        CheckpointManifest read = CheckpointManifests.read(json("{\"formatVersion\":1,\"kind\":\"teacher\",\"weightsSha256\":\"" + SHA + "\"}"));

        assertThat(read).isEqualTo(new CheckpointManifest(1, "teacher", null, null, null, null, null, null, 0, null, SHA, null, null, null));
    }

    @Test
    void refusesMissingRequiredFields() {
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"kind\":\"teacher\",\"weightsSha256\":\"" + SHA + "\"}")))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("no formatVersion");
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":1,\"weightsSha256\":\"" + SHA + "\"}")))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("no kind");
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":1,\"kind\":\"teacher\"}")))
                .isInstanceOf(CheckpointManifestException.class).hasMessageContaining("no weightsSha256");
    }

    @Test
    void refusesAnUnsupportedFormatVersion() {
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":2,\"kind\":\"teacher\",\"weightsSha256\":\"" + SHA + "\"}")))
                .isInstanceOf(CheckpointManifestException.class)
                .hasMessageContaining("formatVersion 2 is unsupported");
    }

    @Test
    void refusesBadValues() {
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":1,\"kind\":\"teacher\",\"weightsSha256\":\"xyz\"}")))
                .isInstanceOf(CheckpointManifestException.class)
                .hasMessageContaining("weightsSha256 must be 64 lowercase hex digits");
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":1,\"kind\":\"teacher\",\"weightsSha256\":\""
                + SHA + "\",\"weightsDtype\":\"F64\"}")))
                .isInstanceOf(CheckpointManifestException.class)
                .hasMessageContaining("F64");
        assertThatThrownBy(() -> CheckpointManifests.read(json("{\"formatVersion\":1,\"kind\":\"teacher\",\"weightsSha256\":\""
                + SHA + "\",\"createdAt\":\"yesterday\"}")))
                .isInstanceOf(CheckpointManifestException.class)
                .hasMessageContaining("createdAt 'yesterday' is not ISO-8601");
        assertThatThrownBy(() -> CheckpointManifests.read(json("not json")))
                .isInstanceOf(CheckpointManifestException.class)
                .hasMessageContaining("not valid JSON");
    }
}
