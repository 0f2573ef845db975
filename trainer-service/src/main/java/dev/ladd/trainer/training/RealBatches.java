package dev.ladd.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.data.DatasetNotFoundException;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.ladd.LaddBatch;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.ladd.RealLatents;
import dev.ladd.ml.ladd.ShardSampler;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * A run's real latents ({@link LaddConfig.DiscriminatorData#REAL}): Fashion-MNIST's training images encoded once by
 * the run's teacher autoencoder (the one its shards name) and kept in memory for the run, read in
 * {@link RealLatents#sampler}'s order. That order depends only on the run's seed and the iteration, so a run resumed
 * from a checkpoint — on this trainer or another — reads the same real batch at each iteration as it would have.
 */
final class RealBatches {

    private static final Logger log = LoggerFactory.getLogger(RealBatches.class);

    private final LatentShard latents;
    private final ShardSampler sampler;

    private RealBatches(LatentShard latents, ShardSampler sampler) {
        this.latents = latents;
        this.sampler = sampler;
    }

    /**
     * Encodes the dataset's training split with the autoencoder of the run's shards.
     *
     * @param autoencoder the teacher's autoencoder as the run's shards named it ({@link RunRepository#autoencoderBlobs})
     * @throws IOException a missing or unreadable dataset (the message says how to install it), a bad autoencoder blob
     */
    static RealBatches load(String runId, LaddConfig config, Optional<ModelRef> autoencoder, BlobStore blobs,
                            FashionMnist dataset, NDManager manager) throws IOException {
        if (!dataset.isPresent()) {   // installed at request time (RunService), gone since
            throw new DatasetNotFoundException(RunService.missingRealData(dataset.directory()));
        }
        ModelRef ref = autoencoder.orElseThrow(() -> new IllegalStateException("discriminatorData 'real' needs the "
                + "teacher's autoencoder to encode the real images, and no shard of run " + runId + " named one"));
        LabeledImages images = dataset.train().paddedTo32();
        try (NDManager sub = manager.newSubManager()) {
            Autoencoder model = AutoencoderCheckpoint.load(CheckpointManifests.read(blobs.get(ref.manifest())),
                    blobs.get(ref.weights()), sub);
            long started = System.nanoTime();
            RealBatches real = encode(model, images, config, sub);
            log.info("run {}: {} real images from {} encoded by autoencoder {} in {} s", runId, real.count(),
                    dataset.directory(), ref.weights().sha256(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
            return real;
        }
    }

    /** The images' latents under {@code autoencoder}, in the order {@code config}'s seed gives. */
    static RealBatches encode(Autoencoder autoencoder, LabeledImages images, LaddConfig config, NDManager manager) {
        LatentShard latents = RealLatents.encode(autoencoder, images, manager);
        return new RealBatches(latents, RealLatents.sampler(config, latents.count()));
    }

    /** Iteration i's real batch: as many latents as a synthetic batch, with their prompts. */
    LaddBatch batch(long iteration) {
        return sampler.batch(iteration, latents);
    }

    int count() {
        return latents.count();
    }
}
