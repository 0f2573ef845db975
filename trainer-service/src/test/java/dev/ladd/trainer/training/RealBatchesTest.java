package dev.ladd.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.FileSystemBlobStore;
import dev.ladd.ml.data.DatasetNotFoundException;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.ladd.LaddBatch;
import dev.ladd.ml.ladd.LaddConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run's real batches: Fashion-MNIST (a tiny one written here) under the run's autoencoder, in a resumable order. */
class RealBatchesTest {

    private static final LaddConfig CONFIG = LaddConfig.paper().toBuilder().batchSize(4).seed(5)
            .discriminatorData(LaddConfig.DiscriminatorData.REAL).build();

    @Test
    void everyLoadReadsTheSameRealBatchAtAnIterationSoAResumedRunReadsWhatItWouldHave(@TempDir Path dir) throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        FashionMnist dataset = TinyFashionMnist.write(dir.resolve("fashion-mnist"), 12);
        try (NDManager manager = NDManager.newBaseManager()) {
            RealBatches first = RealBatches.load("run-a", CONFIG, Optional.of(fixtures.autoencoder()), blobs, dataset, manager);
            RealBatches restarted = RealBatches.load("run-a", CONFIG, Optional.of(fixtures.autoencoder()), blobs, dataset, manager);
            assertThat(first.count()).isEqualTo(12);
            for (long i = 0; i < 7; i++) {   // past the end of the first epoch (12 images, 4 a batch)
                LaddBatch a = first.batch(i);
                LaddBatch b = restarted.batch(i);
                assertThat(a.shape()).containsExactly(4, 8, 8);   // the tiny teacher's latent shape, as its shards'
                assertThat(a.count()).isEqualTo(4);
                assertThat(b.latents()).containsExactly(a.latents());
                assertThat(b.prompts()).isEqualTo(a.prompts());
                assertThat(a.prompts()).allSatisfy(p -> assertThat(Prompts.fashionMnist().labelOf(p)).isPresent());
            }
            assertThat(first.batch(1).latents()).isNotEqualTo(first.batch(0).latents());
        }
    }

    @Test
    void aDatasetGoneSinceTheRequestFailsTheRunSayingHowToInstallIt(@TempDir Path dir) throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> RealBatches.load("run-b", CONFIG, Optional.of(fixtures.autoencoder()), blobs,
                    FashionMnist.at(dir.resolve("nothing-here")), manager))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining(dir.resolve("nothing-here").toString())
                    .hasMessageContaining("apt-get install dataset-fashion-mnist");
            FashionMnist dataset = TinyFashionMnist.write(dir.resolve("fashion-mnist"), 4);
            assertThatThrownBy(() -> RealBatches.load("run-b", CONFIG, Optional.empty(), blobs, dataset, manager))
                    .hasMessageContaining("needs the teacher's autoencoder");
        }
    }
}
