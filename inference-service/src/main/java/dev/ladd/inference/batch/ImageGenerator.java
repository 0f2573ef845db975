package dev.ladd.inference.batch;

import java.util.List;

/** Makes one batch of images of an alias: what {@link DynamicBatcher} calls once per batch, on its worker thread. */
@FunctionalInterface
public interface ImageGenerator {

    /**
     * @return the images [prompts.size() · C · S · S] in [−1, 1] and the model that made them
     * @throws NoModelException when the alias has no model loaded
     */
    Generation generate(String alias, int steps, List<String> prompts, List<Long> seeds);

    /** Images [n · channels · size · size] and the checkpoint that made them. */
    record Generation(String checkpointId, long revision, int channels, int size, float[] images) {
    }
}
