package dev.ladd.eval.cli;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.metrics.ClassifierOutputs;
import dev.ladd.ml.metrics.ReferenceStats;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.train.ClassifierTraining;
import dev.ladd.platform.cli.CommandLineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class EvalCommandLineTest {

    /** A Fashion-MNIST-shaped folder (IDX files, 28×28) holding TinyDataset's shapes. */
    static Path writeDataset(Path dir, int trainCount, int testCount) throws IOException {
        writeSplit(dir, FashionMnist.Split.TRAIN, TinyDataset.generate(trainCount, 1));
        writeSplit(dir, FashionMnist.Split.TEST, TinyDataset.generate(testCount, 2));
        return dir;
    }

    private static void writeSplit(Path dir, FashionMnist.Split split, LabeledImages images) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(pixels);
        out.writeInt(0x803);
        out.writeInt(images.count());
        out.writeInt(images.height());
        out.writeInt(images.width());
        out.write(images.pixels());
        Files.write(dir.resolve(split.imagesFile()), pixels.toByteArray());
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        out = new DataOutputStream(labels);
        out.writeInt(0x801);
        out.writeInt(images.count());
        for (int label : images.labels()) {
            out.writeByte(label);
        }
        Files.write(dir.resolve(split.labelsFile()), labels.toByteArray());
    }

    @Test
    void trainClassifierWritesTheClassifierItsManifestAndTheReferenceStatistics(@TempDir Path tmp) throws Exception {
        Path data = writeDataset(Files.createDirectories(tmp.resolve("data")), 64, 40);
        Path outDir = tmp.resolve("classifier");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new EvalCommandLine(new PrintStream(printed, true, StandardCharsets.UTF_8)).trainClassifier(CommandLineOptions.parse(
                new String[]{"train-classifier", "--out=" + outDir, "--data=" + data, "--steps=3", "--batch=8", "--seed=1"}));

        CheckpointManifest manifest = CheckpointManifests.read(outDir.resolve(EvalCommandLine.MANIFEST));
        byte[] weights = Files.readAllBytes(outDir.resolve(EvalCommandLine.WEIGHTS));
        ReferenceStats reference = ReferenceStats.fromSafetensors(Files.readAllBytes(outDir.resolve(EvalCommandLine.REFERENCE)));
        assertThat(manifest.kind()).isEqualTo("classifier");
        assertThat(manifest.step()).isEqualTo(3);
        assertThat(manifest.vocabulary()).isEqualTo(FashionMnist.CLASS_NAMES);
        assertThat(manifest.metrics()).containsOnlyKeys("test_accuracy");
        assertThat(reference.classifierSha256()).isEqualTo(manifest.weightsSha256());
        assertThat(reference.gaussian().count()).isEqualTo(40);
        try (NDManager manager = NDManager.newBaseManager()) {
            FashionClassifier classifier = ClassifierTraining.load(manifest, weights, manager);
            LabeledImages test = TinyDataset.generate(40, 2).paddedTo32();
            assertThat(ClassifierOutputs.of(classifier, test).accuracy(test.labels()))
                    .isEqualTo(manifest.metrics().get("test_accuracy"));
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("test accuracy", "FID", "precision", "recall");
    }

    @Test
    void badArgumentsExitWithTwo(@TempDir Path tmp) {
        assertThat(EvalCommandLine.run(new String[]{"train-classifier"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "--out=" + tmp, "--steps=many"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "--out=" + tmp, "--batch=0"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "out"})).isEqualTo(2);
    }
}
