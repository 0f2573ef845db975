package dev.ladd.ml.metrics;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import dev.ladd.ml.train.ClassifierTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SampleScorerTest {

    @Test
    void theEvaluationSetIsBalancedOverTheClassesWithFixedSeedsAndALongerSetExtendsAShorterOne() {
        Prompts classes = Prompts.fashionMnist();
        List<String> prompts = SampleScorer.evaluationPrompts(50);

        for (int i = 0; i < 50; i++) {
            assertThat(classes.labelOf(prompts.get(i))).hasValue(i % 10);
        }
        assertThat(SampleScorer.evaluationSeeds(3)).containsExactly(900_000_000L, 900_000_001L, 900_000_002L);
        assertThat(SampleScorer.evaluationPrompts(5000).subList(0, 50)).isEqualTo(prompts);
        assertThat(prompts.stream().distinct().count()).as("phrasings vary").isGreaterThan(10);
    }

    /** A tiny random classifier with the statistics of tiny real images, and latents of a tiny random autoencoder. */
    @Test
    void scoresAreTheMetricsOfTheDecodedImagesAgainstTheReferenceAndTheirPrompts(@TempDir Path dir) throws IOException {
        LabeledImages real = TinyDataset.generate(60, TinyDataset.MAX_CLASSES, 5).paddedTo32();
        float[] latents = new float[30 * 4 * 8 * 8];
        Random rng = new Random(3);
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) rng.nextGaussian();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            FashionClassifier classifier = new FashionClassifier(FashionClassifierConfig.tiny());
            classifier.initialize(manager, 1);
            ClassifierTraining.Checkpoint checkpoint = ClassifierTraining.saveCheckpoint(classifier,
                    dev.ladd.ml.data.FashionMnist.CLASS_NAMES, 0, Map.of());
            ReferenceStats reference = ReferenceStats.compute(classifier, checkpoint.manifest().weightsSha256(), real);
            ClassifierFolder.write(dir, checkpoint, reference);
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, 2);

            SampleScorer.Score score;
            try (SampleScorer scorer = new SampleScorer(dir, autoencoder, 30)) {
                assertThat(scorer.prompts()).isEqualTo(SampleScorer.evaluationPrompts(30));
                score = scorer.score(latents);
            }

            ClassifierOutputs outputs = ClassifierOutputs.of(classifier, autoencoder.decodeLatents(latents));
            int[] promptClasses = new int[30];
            for (int i = 0; i < 30; i++) {
                promptClasses[i] = i % 10;
            }
            assertThat(score.samples()).isEqualTo(30);
            assertThat(score.fid()).isCloseTo(reference.fid(outputs.features()), within(1e-9)).isPositive();
            assertThat(score.precision()).isEqualTo(reference.precisionRecall(outputs.features()).precision());
            assertThat(score.recall()).isEqualTo(reference.precisionRecall(outputs.features()).recall());
            assertThat(score.adherence()).isEqualTo(outputs.accuracy(promptClasses));
        }
        ReferenceStats other = ReferenceStats.of(new double[][]{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 2}}, "ff".repeat(32));
        Files.write(dir.resolve(ClassifierFolder.REFERENCE), other.toSafetensors());
        assertThatThrownBy(() -> new SampleScorer(dir, null, 10)).isInstanceOf(IOException.class)
                .hasMessageContaining("belong to classifier " + "ff".repeat(32));
    }
}
