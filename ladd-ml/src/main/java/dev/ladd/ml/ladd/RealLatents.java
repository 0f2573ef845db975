package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.ml.train.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Real images as the heads' real class ({@link LaddConfig.DiscriminatorData#REAL}, docs/adr/022): their normalized
 * latents under the teacher's autoencoder, each with a prompt for its class, and the order a run reads them in.
 * One definition for the trainer's runs and {@code ladd-tools distill}.
 */
public final class RealLatents {

    /** The phrasing of each image's prompt is drawn from {@code Random(PROMPT_SEED)}. */
    static final long PROMPT_SEED = 43;
    /** {@link Seeds#derive} stream of the real batches' order, apart from the synthetic batches' order. */
    static final long ORDER_STREAM = 0x7265616cL;

    private RealLatents() {
    }

    /** The images' latents (teacher id "real", sampler steps 0), image i seeded i. */
    public static LatentShard encode(Autoencoder autoencoder, LabeledImages images, NDManager manager) {
        LatentDataset encoded = LatentDataset.encode(autoencoder, images, manager);
        Prompts prompts = Prompts.fashionMnist();
        Random rng = new Random(PROMPT_SEED);
        List<String> texts = new ArrayList<>(encoded.count());
        List<Long> seeds = new ArrayList<>(encoded.count());
        for (int i = 0; i < encoded.count(); i++) {
            texts.add(prompts.randomPrompt(encoded.labels()[i], rng));
            seeds.add((long) i);
        }
        return new LatentShard("real", 0, 1f, encoded.latentShape().getShape(), encoded.latents(), texts, seeds);
    }

    /** Iteration i's real batch is {@code sampler(config, real.count()).batch(i, real)}: a shuffled order per epoch. */
    public static ShardSampler sampler(LaddConfig config, int count) {
        return ShardSampler.inMemory(count, config.batchSize(), Seeds.derive(config.seed(), ORDER_STREAM));
    }
}
