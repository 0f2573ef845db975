package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ladd.ml.data.IdxTestFiles.images;
import static dev.ladd.ml.data.IdxTestFiles.labels;
import static dev.ladd.ml.data.IdxTestFiles.rampPixels;
import static dev.ladd.ml.data.IdxTestFiles.write;
import static dev.ladd.ml.data.IdxTestFiles.writeSplit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void loadsBothSplitsFromGzippedAndPlainFiles() throws Exception {
        writeSplit(dir, "train", 12, true);
        writeSplit(dir, "t10k", 5, false);
        FashionMnist dataset = FashionMnist.at(dir);

        LabeledImages train = dataset.train();
        LabeledImages test = dataset.test();

        assertThat(dataset.isPresent()).isTrue();
        assertThat(train.count()).isEqualTo(12);
        assertThat(train.height()).isEqualTo(28);
        assertThat(train.width()).isEqualTo(28);
        assertThat(train.labels()).startsWith(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
        assertThat(train.pixel(0, 0, 5)).isEqualTo(5);
        assertThat(train.pixel(1, 0, 0)).isEqualTo(784 % 256);
        assertThat(test.count()).isEqualTo(5);
    }

    @Test
    void namesTheInstallPackageWhenTheFolderIsMissing() {
        FashionMnist dataset = FashionMnist.at(dir.resolve("nowhere"));

        assertThat(dataset.isPresent()).isFalse();
        assertThatThrownBy(dataset::train)
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(dir.resolve("nowhere").toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining(FashionMnist.DIRECTORY_PROPERTY)
                .hasMessageContaining(FashionMnist.DIRECTORY_ENV);
    }

    @Test
    void namesTheMissingFile() throws Exception {
        writeSplit(dir, "train", 3, true);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));

        assertThatThrownBy(() -> FashionMnist.at(dir).train())
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(dir.resolve("train-labels-idx1-ubyte.gz").toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void refusesMismatchedImageAndLabelCounts() throws Exception {
        write(dir.resolve("train-images-idx3-ubyte"), images(Idx.IMAGES_MAGIC, 3, 28, 28, rampPixels(3 * 784)), false);
        write(dir.resolve("train-labels-idx1-ubyte"), labels(Idx.LABELS_MAGIC, 1, 2), false);

        assertThatThrownBy(() -> FashionMnist.at(dir).train())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("3 images")
                .hasMessageContaining("2 labels");
    }

    @Test
    void refusesImagesThatAreNot28By28() throws Exception {
        write(dir.resolve("train-images-idx3-ubyte"), images(Idx.IMAGES_MAGIC, 2, 32, 32, rampPixels(2 * 1024)), false);
        write(dir.resolve("train-labels-idx1-ubyte"), labels(Idx.LABELS_MAGIC, 1, 2), false);

        assertThatThrownBy(() -> FashionMnist.at(dir).train())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("32x32");
    }

    @Test
    void refusesLabelsOutsideTheTenClasses() throws Exception {
        write(dir.resolve("train-images-idx3-ubyte"), images(Idx.IMAGES_MAGIC, 2, 28, 28, rampPixels(2 * 784)), false);
        write(dir.resolve("train-labels-idx1-ubyte"), labels(Idx.LABELS_MAGIC, 1, 10), false);

        assertThatThrownBy(() -> FashionMnist.at(dir).train())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("label 10 at index 1");
    }

    @Test
    void theSystemPropertyChoosesTheFolder() {
        String before = System.getProperty(FashionMnist.DIRECTORY_PROPERTY);
        System.setProperty(FashionMnist.DIRECTORY_PROPERTY, dir.toString());
        try {
            assertThat(FashionMnist.fromDefaultLocation().directory()).isEqualTo(dir);
        } finally {
            if (before == null) {
                System.clearProperty(FashionMnist.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(FashionMnist.DIRECTORY_PROPERTY, before);
            }
        }
    }

    @Test
    void namesTheTenClassesInLabelOrder() {
        assertThat(FashionMnist.CLASS_NAMES).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        assertThat(FashionMnist.className(9)).isEqualTo("Ankle boot");
    }
}
