package dev.ladd.inference.model;

import dev.ladd.inference.TinyServingModels;
import dev.ladd.inference.serving.DesiredModel;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.blob.FileSystemBlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading a desired model from the blob store with tiny real models: what is refused, and the model's life. */
class ModelLoaderTest {

    @TempDir
    Path root;
    BlobStore blobs;
    ModelLoader loader;

    @BeforeEach
    void store() throws Exception {
        blobs = new FileSystemBlobStore(root);
        loader = new ModelLoader(blobs, Clock.systemUTC());
    }

    static DesiredModel desired(TinyServingModels.Servable s, long revision) {
        return new DesiredModel("default", s.checkpointId(), revision, new ModelRef(s.weights(), s.manifest()),
                new ModelRef(s.autoencoderWeights(), s.autoencoderManifest()), Instant.now());
    }

    @Test
    void aLoadedModelMakesImagesOfItsSizeAndAnImageDoesNotDependOnItsBatch() throws Exception {
        ServedModel model = loader.load(desired(TinyServingModels.store(blobs, "ckpt-1", 3), 1));
        try {
            assertThat(model.imageSize()).isEqualTo(32);
            float[] alone = model.generate(List.of("a bag"), List.of(7L), 2, 4);
            float[] inBatch = model.generate(List.of("a shirt", "a coat", "a bag"), List.of(1L, 2L, 7L), 2, 4);
            assertThat(alone).hasSize(model.valuesPerImage());
            assertThat(java.util.Arrays.copyOfRange(inBatch, 2 * model.valuesPerImage(), 3 * model.valuesPerImage()))
                    .containsExactly(alone);
            float[] sixInCallsOfFour = model.generate(List.of("a", "b", "c", "d", "e", "a bag"), List.of(1L, 2L, 3L, 4L, 5L, 7L), 2, 4);
            assertThat(java.util.Arrays.copyOfRange(sixInCallsOfFour, 5 * model.valuesPerImage(), 6 * model.valuesPerImage()))
                    .containsExactly(alone);
        } finally {
            model.retire();
        }
    }

    @Test
    void aCorruptBlobIsRefusedNamingIt() throws Exception {
        TinyServingModels.Servable s = TinyServingModels.store(blobs, "ckpt-1", 3);
        TinyServingModels.corrupt(root, s.weights());

        assertThatThrownBy(() -> loader.load(desired(s, 1))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("student weights").hasMessageContaining(s.weights().sha256())
                .satisfies(e -> assertThat(((ModelLoadException) e).isTransient()).as("the checkpoint's own fault").isFalse());
    }

    @Test
    void aBlobThatCannotBeReadIsAPassingFailure() throws Exception {
        TinyServingModels.Servable s = TinyServingModels.store(blobs, "ckpt-1", 3);
        java.nio.file.Files.delete(TinyServingModels.file(root, s.autoencoderWeights()));

        assertThatThrownBy(() -> loader.load(desired(s, 1))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("autoencoder weights").hasMessageContaining("could not be read")
                .satisfies(e -> assertThat(((ModelLoadException) e).isTransient()).as("worth another try").isTrue());
    }

    @Test
    void aManifestWhoseShaIsNotTheWeightsIsRefused() throws Exception {
        TinyServingModels.Servable s = TinyServingModels.store(blobs, "ckpt-1", 3);
        TinyServingModels.Servable other = TinyServingModels.store(blobs, "ckpt-2", 5);
        DesiredModel mixed = new DesiredModel("default", "ckpt-mixed", 1, new ModelRef(s.weights(), other.manifest()),
                new ModelRef(s.autoencoderWeights(), s.autoencoderManifest()), Instant.now());
        CheckpointManifest otherManifest = CheckpointManifests.read(blobs.get(other.manifest()));

        assertThatThrownBy(() -> loader.load(mixed)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("student does not load").hasMessageContaining(otherManifest.weightsSha256());
    }

    @Test
    void aModelThatMakesNonFiniteImagesFailsTheSmokeGeneration() throws Exception {
        TinyServingModels.Servable s = TinyServingModels.store(blobs, "ckpt-nan", 3, true);

        assertThatThrownBy(() -> loader.load(desired(s, 1))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("non-finite");
    }

    @Test
    void aDesiredModelWithoutAutoencoderIsRefused() throws Exception {
        TinyServingModels.Servable s = TinyServingModels.store(blobs, "ckpt-1", 3);
        DesiredModel noDecoder = new DesiredModel("default", "ckpt-1", 1, new ModelRef(s.weights(), s.manifest()), null, Instant.now());

        assertThatThrownBy(() -> loader.load(noDecoder)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no autoencoder");
    }

    @Test
    void aSwappedOutModelFinishesItsRunningBatchAndIsFreedAfterIt() throws Exception {
        ServingModels models = new ServingModels();
        ServedModel first = loader.load(desired(TinyServingModels.store(blobs, "ckpt-1", 3), 1));
        ServedModel second = loader.load(desired(TinyServingModels.store(blobs, "ckpt-2", 5), 2));
        models.swapIn(first);
        ServedModel running = models.acquire("default").orElseThrow();   // a batch in flight on the first model

        models.swapIn(second);

        assertThat(first.isClosed()).isFalse();
        assertThat(running.generate(List.of("a bag"), List.of(1L), 1)).hasSize(running.valuesPerImage());
        ServedModel next = models.acquire("default").orElseThrow();
        assertThat(next.checkpointId()).isEqualTo("ckpt-2");
        running.release();
        assertThat(first.isClosed()).isTrue();
        next.release();
        assertThat(second.isClosed()).isFalse();
        models.retireAll();
        assertThat(second.isClosed()).isTrue();
        assertThat(models.acquire("default")).isEmpty();
    }
}
