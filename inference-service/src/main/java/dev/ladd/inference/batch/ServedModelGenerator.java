package dev.ladd.inference.batch;

import dev.ladd.inference.model.ServedModel;
import dev.ladd.inference.model.ServingModels;

import java.util.List;

/**
 * Generates on the alias's current model, holding a reference for the length of the call: a swap during the call
 * lets it finish on the model it started with, which is freed afterwards.
 */
public final class ServedModelGenerator implements ImageGenerator {

    private final ServingModels models;
    private final long retryAfterSeconds;
    private final int callSize;

    /** @param callSize images per model call, padded ({@link ServedModel#generate(List, List, int, int)}); 0 = as many as asked */
    public ServedModelGenerator(ServingModels models, long retryAfterSeconds, int callSize) {
        this.models = models;
        this.retryAfterSeconds = retryAfterSeconds;
        this.callSize = callSize;
    }

    @Override
    public Generation generate(String alias, int steps, List<String> prompts, List<Long> seeds) {
        ServedModel model = models.acquire(alias).orElseThrow(() -> new NoModelException(alias, retryAfterSeconds));
        try {
            return new Generation(model.checkpointId(), model.revision(), model.imageChannels(), model.imageSize(),
                    model.generate(prompts, seeds, steps, callSize));
        } finally {
            model.release();
        }
    }
}
