package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Loads the real dataset where Debian's {@code dataset-fashion-mnist} is installed; skipped elsewhere. */
class FashionMnistRealDataTest {

    @Test
    void loadsTheInstalledDataset() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        FashionMnist dataset = FashionMnist.at(FashionMnist.DEFAULT_DIRECTORY);

        long start = System.nanoTime();
        LabeledImages train = dataset.train();
        long trainMillis = (System.nanoTime() - start) / 1_000_000;
        LabeledImages test = dataset.test();
        System.out.println("Fashion-MNIST train set loaded in " + trainMillis + " ms");

        assertThat(train.count()).isEqualTo(60_000);
        assertThat(test.count()).isEqualTo(10_000);
        assertThat(train.height()).isEqualTo(28);
        assertThat(train.width()).isEqualTo(28);
        // both splits are balanced: 6000 / 1000 images per class
        assertThat(train.classCounts(10)).containsOnly(6_000);
        assertThat(test.classCounts(10)).containsOnly(1_000);
        // Fashion-MNIST's mean pixel is about 0.286 (73/255); mostly black background, some white
        assertThat(train.meanPixel()).isBetween(0.25, 0.33);
        assertThat(test.meanPixel()).isBetween(0.25, 0.33);
        assertThat(train.pixel(0, 0, 0)).isZero();
        int max = 0;
        for (byte p : train.subset(100).pixels()) {
            max = Math.max(max, Byte.toUnsignedInt(p));
        }
        assertThat(max).isEqualTo(255);
    }
}
