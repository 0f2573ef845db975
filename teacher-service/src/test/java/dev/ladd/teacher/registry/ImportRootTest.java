package dev.ladd.teacher.registry;

import dev.ladd.teacher.TeacherProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ladd.teacher.registry.ImportRefusedException.Reason.BAD_FOLDER;
import static dev.ladd.teacher.registry.ImportRefusedException.Reason.IMPORTS_OFF;
import static dev.ladd.teacher.registry.ImportRefusedException.Reason.TOO_LARGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the import API may read: plain files of a folder inside the root, within the size cap. */
class ImportRootTest {

    @TempDir
    Path root;
    @TempDir
    Path outside;

    private ImportRoot importRoot(Path importRoot, long maxBytes) {
        return new ImportRoot(new TeacherProperties(null, null,
                new TeacherProperties.Imports(importRoot, DataSize.ofBytes(maxBytes)), null, null));
    }

    private static Path modelFolder(Path folder, boolean autoencoder) throws Exception {
        Files.createDirectories(folder);
        Files.write(folder.resolve("teacher.json"), new byte[100]);
        Files.write(folder.resolve("teacher.safetensors"), new byte[1000]);
        if (autoencoder) {
            Files.write(folder.resolve("autoencoder.json"), new byte[10]);
            Files.write(folder.resolve("autoencoder.safetensors"), new byte[200]);
        }
        return folder;
    }

    private static void assertRefused(ImportRoot importRoot, String folder, ImportRefusedException.Reason reason,
                                      String detail) {
        assertThatThrownBy(() -> importRoot.read(folder)).isInstanceOfSatisfying(ImportRefusedException.class, e -> {
            assertThat(e.reason()).as(folder).isEqualTo(reason);
            assertThat(e.getMessage()).as(folder).contains(detail);
        });
    }

    @Test
    void aFolderInsideTheRootIsReadAbsoluteOrRelative() throws Exception {
        modelFolder(root.resolve("a/teacher"), true);
        modelFolder(root.resolve("b"), false);
        ModelFolder files = importRoot(root, 10_000).read(root.resolve("a/teacher").toString());
        assertThat(files.teacherWeights()).hasSize(1000);
        assertThat(files.autoencoderWeights()).hasSize(200);
        ModelFolder relative = importRoot(root, 10_000).read("b");
        assertThat(relative.teacherManifest()).hasSize(100);
        assertThat(relative.autoencoderManifest()).isNull();
    }

    @Test
    void nothingOutsideTheRootIsRead() throws Exception {
        modelFolder(outside.resolve("m"), true);
        ImportRoot importRoot = importRoot(root, 10_000);
        assertRefused(importRoot, outside.resolve("m").toString(), BAD_FOLDER, "must be inside the import root");
        assertRefused(importRoot, "../" + outside.getFileName() + "/m", BAD_FOLDER, "must be inside the import root");
        assertRefused(importRoot, root + "/../" + outside.getFileName() + "/m", BAD_FOLDER, "must be inside the import root");
        assertRefused(importRoot, "/", BAD_FOLDER, "must be inside the import root");
        assertRefused(importRoot, "does-not-exist", BAD_FOLDER, "no such folder under the import root");

        // a link to a folder outside, inside the root
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("m"));
        assertRefused(importRoot, "link", BAD_FOLDER, "must be inside the import root");
        // a folder inside whose weights are a link to a file outside (e.g. a secret, or /dev/zero)
        Path folder = modelFolder(root.resolve("sneaky"), false);
        Files.delete(folder.resolve("teacher.safetensors"));
        Files.createSymbolicLink(folder.resolve("teacher.safetensors"), outside.resolve("m/teacher.safetensors"));
        assertRefused(importRoot, "sneaky", BAD_FOLDER, "its teacher.safetensors is a symbolic link");
        // the root's own link: a root given through a link is resolved once, at start
        Files.createSymbolicLink(outside.resolve("root-link"), root);
        modelFolder(root.resolve("c"), false);
        assertThat(importRoot(outside.resolve("root-link"), 10_000).read("c").teacherWeights()).hasSize(1000);
    }

    @Test
    void aFolderIsAModelFolderOrA400() throws Exception {
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("file"), "x");
        assertRefused(importRoot(root, 10_000), "empty", BAD_FOLDER, "has no teacher.json");
        assertRefused(importRoot(root, 10_000), "file", BAD_FOLDER, "is not a folder");
        Path half = modelFolder(root.resolve("half"), true);
        Files.delete(half.resolve("autoencoder.safetensors"));
        assertRefused(importRoot(root, 10_000), "half", BAD_FOLDER, "has no autoencoder.safetensors");
    }

    @Test
    void filesLargerThanTheCapTogetherAreA413() throws Exception {
        modelFolder(root.resolve("m"), true);   // 1,310 bytes in all
        assertThat(importRoot(root, 1310).read("m").teacherWeights()).hasSize(1000);
        assertRefused(importRoot(root, 1309), "m", TOO_LARGE, "1310 bytes together; an import takes at most 1309 bytes");
    }

    @Test
    void withoutARootImportsAreOffAndAMissingRootStopsTheService() {
        assertRefused(importRoot(null, 10_000), root.toString(), IMPORTS_OFF, "ladd.teacher.imports.root is not set");
        assertThatThrownBy(() -> importRoot(root.resolve("nope"), 10_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ladd.teacher.imports.root=" + root.resolve("nope") + " does not exist");
    }
}
