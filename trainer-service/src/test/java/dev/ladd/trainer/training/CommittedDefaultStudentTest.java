package dev.ladd.trainer.training;

import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Explicitly about the committed files (docs/adr/014): models/default-student passes every check the trainer imports
 * it with, descends from the committed teacher in models/default, is sampled as its manifest says, and stays within
 * the 20 MB the repository allows it.
 */
class CommittedDefaultStudentTest {

    static final Path MODELS = Path.of("..", "models");

    @Test
    void theCommittedStudentWasDistilledFromTheCommittedTeacherAndPassesTheImportChecks() throws IOException {
        DefaultStudentFolder folder = DefaultStudentFolder.read(MODELS.resolve("default-student"), MODELS.resolve("default"));
        CheckpointManifest teacher = CheckpointManifests.read(MODELS.resolve("default").resolve("teacher.json"));
        assertThat(folder.manifest().kind()).isEqualTo("student");
        assertThat(folder.manifest().parent()).isEqualTo(teacher.weightsSha256());
        assertThat(folder.manifest().samplerEta()).as("the demo profile's sampler").isEqualTo(0.0);
        try (Stream<Path> files = Files.list(MODELS.resolve("default-student"))) {
            long bytes = files.mapToLong(f -> f.toFile().length()).sum();
            assertThat(bytes).isLessThanOrEqualTo(20L * 1024 * 1024);
        }
    }
}
