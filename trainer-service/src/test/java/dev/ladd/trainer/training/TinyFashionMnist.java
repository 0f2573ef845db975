package dev.ladd.trainer.training;

import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.Idx;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A Fashion-MNIST folder written in code (the four gzip'd IDX files, 28×28 images of {@link TinyDataset}'s shapes,
 * labels 0–9), so that tests of runs with real data depend neither on Debian's dataset-fashion-mnist nor on its size.
 */
final class TinyFashionMnist {

    private TinyFashionMnist() {
    }

    /** Writes {@code trainCount} training and a few test images into {@code dir}; returns the dataset there. */
    static FashionMnist write(Path dir, int trainCount) throws IOException {
        Files.createDirectories(dir);
        split(dir, FashionMnist.Split.TRAIN, TinyDataset.generate(trainCount, 10, 28, 1));
        split(dir, FashionMnist.Split.TEST, TinyDataset.generate(10, 10, 28, 2));
        return FashionMnist.at(dir);
    }

    private static void split(Path dir, FashionMnist.Split split, LabeledImages images) throws IOException {
        try (DataOutputStream out = gzip(dir.resolve(split.imagesFile() + ".gz"))) {
            out.writeInt(Idx.IMAGES_MAGIC);
            out.writeInt(images.count());
            out.writeInt(images.height());
            out.writeInt(images.width());
            out.write(images.pixels());
        }
        try (DataOutputStream out = gzip(dir.resolve(split.labelsFile() + ".gz"))) {
            out.writeInt(Idx.LABELS_MAGIC);
            out.writeInt(images.count());
            for (int label : images.labels()) {
                out.writeByte(label);
            }
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        return new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)));
    }
}
