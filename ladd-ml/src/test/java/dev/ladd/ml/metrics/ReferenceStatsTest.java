package dev.ladd.ml.metrics;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ReferenceStatsTest {

    static final LabeledImages REAL = TinyDataset.generate(300, TinyDataset.MAX_CLASSES, 21).paddedTo32();
    static final String SHA = "ab".repeat(32);

    NDManager manager;
    FashionClassifier classifier;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        classifier = new FashionClassifier(FashionClassifierConfig.tiny());
        classifier.initialize(manager, 7);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void referenceStatisticsRoundTripThroughSafetensorsAndScoreTheirOwnImagesAsPerfect() throws IOException {
        ReferenceStats reference = ReferenceStats.compute(classifier, SHA, REAL);

        ReferenceStats back = ReferenceStats.fromSafetensors(reference.toSafetensors());

        assertThat(back.classifierSha256()).isEqualTo(SHA);
        assertThat(back.gaussian().count()).isEqualTo(300);
        assertThat(back.manifold().k()).isEqualTo(PrecisionRecall.DEFAULT_K);
        assertThat(back.manifold().radii()).containsExactly(reference.manifold().radii(), within(1e-12));
        for (int i = 0; i < REAL.count(); i++) {
            assertThat(back.manifold().points()[i]).containsExactly(reference.manifold().points()[i]);
        }
        // the same images, given as float pixels like a generator's output, score FID 0 and precision = recall = 1
        double[][] again = ClassifierOutputs.of(classifier, REAL.signedImages(0, REAL.count())).features();
        assertThat(back.fid(again)).isCloseTo(0, within(1e-9));
        assertThat(back.precisionRecall(again)).isEqualTo(new PrecisionRecall(1, 1));
        assertThat(back.fid(ClassifierOutputs.of(classifier,
                TinyDataset.generate(300, 3, 22).paddedTo32()).features())).isGreaterThan(1e-3);
    }

    @Test
    void generatedValuesOutsideMinusOneToOneAreClampedLikeSavedPixels() {
        float[] image = REAL.signedImages(0, 1);
        float[] overshooting = image.clone();
        for (int i = 0; i < overshooting.length; i++) {
            overshooting[i] = overshooting[i] > 0 ? 1.7f : -3f;
        }
        float[] clamped = overshooting.clone();
        for (int i = 0; i < clamped.length; i++) {
            clamped[i] = Math.max(-1, Math.min(1, clamped[i]));
        }

        assertThat(ClassifierOutputs.of(classifier, overshooting).features()[0])
                .containsExactly(ClassifierOutputs.of(classifier, clamped).features()[0]);
        assertThatThrownBy(() -> ClassifierOutputs.of(classifier, new float[100]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole images");
    }

    @Test
    void otherFilesAreRefused() {
        byte[] gaussianOnly = GaussianStats.of(new double[][]{{0, 1}, {1, 0}, {2, 2}}).toSafetensors();

        assertThatThrownBy(() -> ReferenceStats.fromSafetensors(gaussianOnly))
                .isInstanceOf(IOException.class).hasMessageContaining("not reference statistics");
    }
}
