package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.ladd.ml.data.IdxTestFiles.images;
import static dev.ladd.ml.data.IdxTestFiles.labels;
import static dev.ladd.ml.data.IdxTestFiles.rampPixels;
import static dev.ladd.ml.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsImagesGzippedOrPlain(boolean gzip) throws Exception {
        Path file = write(dir.resolve("images"), images(Idx.IMAGES_MAGIC, 3, 4, 5, rampPixels(60)), gzip);

        Idx.Images images = Idx.readImages(file);

        assertThat(images.count()).isEqualTo(3);
        assertThat(images.height()).isEqualTo(4);
        assertThat(images.width()).isEqualTo(5);
        assertThat(images.pixels()).isEqualTo(rampPixels(60));
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsLabelsAsUnsignedInts(boolean gzip) throws Exception {
        Path file = write(dir.resolve("labels"), labels(Idx.LABELS_MAGIC, 0, 9, 3, 255), gzip);

        assertThat(Idx.readLabels(file)).containsExactly(0, 9, 3, 255);
    }

    @Test
    void refusesAnImageFileWithTheLabelMagic() throws Exception {
        Path file = write(dir.resolve("images"), labels(Idx.LABELS_MAGIC, 1, 2, 3), false);

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void refusesALabelFileWithBadMagic() throws Exception {
        Path file = write(dir.resolve("labels"), images(0x12345678, 1, 1, 1, new byte[1]), true);

        assertThatThrownBy(() -> Idx.readLabels(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("magic number 0x12345678, expected 0x00000801");
    }

    @Test
    void refusesImpossibleDimensions() throws Exception {
        Path file = write(dir.resolve("images"), images(Idx.IMAGES_MAGIC, 1, 0, 28, new byte[0]), false);

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("impossible dimensions 1x0x28");
    }

    @Test
    void refusesTruncatedPlainImages() throws Exception {
        byte[] whole = images(Idx.IMAGES_MAGIC, 3, 4, 5, rampPixels(60));
        Path file = write(dir.resolve("images"), Arrays.copyOf(whole, whole.length - 7), false);

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("3 images of 4x5 (60 bytes) but only 53 bytes follow");
    }

    @Test
    void refusesATruncatedGzipFile() throws Exception {
        byte[] gzipped = IdxTestFiles.gzip(images(Idx.IMAGES_MAGIC, 100, 28, 28, rampPixels(100 * 28 * 28)));
        Path file = dir.resolve("images.gz");
        Files.write(file, Arrays.copyOf(gzipped, gzipped.length / 2));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesAFileThatEndsInsideTheHeader() throws Exception {
        Path file = write(dir.resolve("labels"), new byte[]{0, 0, 8, 1, 0, 0}, false);

        assertThatThrownBy(() -> Idx.readLabels(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("ends inside the header (label count)");
    }

    @Test
    void refusesBytesAfterTheAnnouncedData() throws Exception {
        byte[] whole = labels(Idx.LABELS_MAGIC, 1, 2, 3);
        Path file = write(dir.resolve("labels"), Arrays.copyOf(whole, whole.length + 1), false);

        assertThatThrownBy(() -> Idx.readLabels(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("bytes after the 3 labels");
    }
}
