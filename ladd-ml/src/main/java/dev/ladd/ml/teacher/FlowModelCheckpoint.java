package dev.ladd.ml.teacher;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;

import java.io.IOException;

/**
 * Loading a {@link FlowTransformer} checkpoint — a teacher's or a distilled student's: both are the same
 * network with the same manifest fields and differ only in the manifest's kind and how they are sampled.
 */
public final class FlowModelCheckpoint {

    private FlowModelCheckpoint() {
    }

    /** A loaded, frozen model and the tokenizer of its vocabulary. */
    public record Loaded(FlowTransformer model, WordTokenizer tokenizer) {
    }

    /**
     * Refuses a manifest of another kind, weights whose sha256 differs from the manifest's, and weights that
     * do not fit the architecture.
     */
    public static Loaded load(byte[] weights, CheckpointManifest manifest, String kind, NDManager manager) throws IOException {
        if (!kind.equals(manifest.kind())) {
            throw new IOException("checkpoint is a '" + manifest.kind() + "', not a " + kind);
        }
        String actual = BlockWeights.sha256Hex(weights);
        if (!actual.equals(manifest.weightsSha256())) {
            throw new IOException(kind + " weights hash to " + actual + " but the manifest says "
                    + manifest.weightsSha256() + "; refusing them");
        }
        FlowTransformerConfig config = CheckpointManifests.architectureAs(manifest, FlowTransformerConfig.class);
        WordTokenizer tokenizer = WordTokenizer.of(manifest.vocabulary(), config.text().maxLength());
        FlowTransformer model = new FlowTransformer(config);
        model.initialize(manager);
        BlockWeights.load(model, Safetensors.read(weights));
        model.freezeParameters(true);
        return new Loaded(model, tokenizer);
    }
}
