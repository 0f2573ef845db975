package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.nn.Autoencoder;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The metrics classifier folder ({@code ladd.eval.classifier-dir}) every score is measured with. Its weights'
 * sha256 is part of a baseline's key: scores measured with another classifier are not comparable.
 */
@Component
public class MetricsClassifier {

    /** The classifier folder cannot be read: nothing can be scored until the configuration is fixed. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path dir;

    public MetricsClassifier(EvalProperties properties) {
        this.dir = properties.classifierDir();
    }

    /** The sha256 of the classifier's weights, as its manifest names them. */
    public String sha256() {
        try {
            return CheckpointManifests.read(dir.resolve(ClassifierFolder.MANIFEST)).weightsSha256();
        } catch (IOException | RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** The evaluation set of {@code samples} prompts, scored through {@code autoencoder}. */
    public SampleScorer scorer(Autoencoder autoencoder, int samples) {
        try {
            return new SampleScorer(dir, autoencoder, samples);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private UnavailableException unavailable(Exception e) {
        return new UnavailableException("the metrics classifier in " + dir.toAbsolutePath()
                + " cannot be read (ladd.eval.classifier-dir): " + e.getMessage(), e);
    }
}
