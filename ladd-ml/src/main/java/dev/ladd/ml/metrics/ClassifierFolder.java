package dev.ladd.ml.metrics;

import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.train.ClassifierTraining;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder every score is measured with (the committed one is {@code models/classifier}): the metrics
 * classifier's checkpoint and the {@link ReferenceStats} of the real test set in its feature space.
 * <pre>
 *   classifier.safetensors       the weights
 *   classifier.json              its manifest (kind "classifier", vocabulary = class names, metrics)
 *   reference-test.safetensors   the real test set's statistics, tied to these weights by their sha256
 * </pre>
 */
public final class ClassifierFolder {

    public static final String WEIGHTS = "classifier.safetensors";
    public static final String MANIFEST = "classifier.json";
    public static final String REFERENCE = "reference-test.safetensors";

    private ClassifierFolder() {
    }

    /** Writes the three files into {@code dir} (created if missing); refuses statistics of another classifier. */
    public static void write(Path dir, ClassifierTraining.Checkpoint classifier, ReferenceStats reference) throws IOException {
        if (!reference.classifierSha256().equals(classifier.manifest().weightsSha256())) {
            throw new IllegalArgumentException("the reference statistics belong to classifier " + reference.classifierSha256()
                    + ", not to " + classifier.manifest().weightsSha256());
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(WEIGHTS), classifier.safetensors());
        CheckpointManifests.write(classifier.manifest(), dir.resolve(MANIFEST));
        Files.write(dir.resolve(REFERENCE), reference.toSafetensors());
    }
}
