package dev.ladd.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;

import java.util.Map;

/**
 * How the platform builds and trains a teacher, shared by the {@code train-default} command (ladd-tools) and
 * training jobs: the Fashion-MNIST architecture, prompts of at most {@value #PROMPT_TOKENS} tokens, 10%
 * prompt dropout for CFG, logit-normal t with m = 0, s = 1 (docs/adr/006).
 */
public final class DefaultTeacherRecipe {

    public static final int PROMPT_TOKENS = 12;
    public static final float PROMPT_DROPOUT = TeacherTraining.Config.DEFAULT_PROMPT_DROPOUT;

    private DefaultTeacherRecipe() {
    }

    public static WordTokenizer tokenizer(Prompts prompts) {
        return WordTokenizer.build(prompts.allPrompts(), PROMPT_TOKENS);
    }

    /** A freshly initialized teacher; its initial weights depend only on the seed. */
    public static FlowTransformer newTeacher(NDManager manager, WordTokenizer tokenizer, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.fashionMnist(tokenizer.vocabularySize(), PROMPT_TOKENS));
        model.initialize(manager);
        return model;
    }

    public static TeacherTraining.Config config(long steps, int batchSize, float learningRate, long seed) {
        return TeacherTraining.Config.of(steps, batchSize, learningRate, seed);
    }

    /** The teacher's checkpoint, in the latent space of {@code autoencoder}. */
    public static Checkpoint checkpoint(FlowTransformer model, WordTokenizer tokenizer, Autoencoder autoencoder,
                                                String parent, long step, Map<String, Double> metrics) {
        return FlowModelCheckpoint.teacher(model, tokenizer, autoencoder.latentNormalization().scale(),
                autoencoder.latentNormalization().shift(), parent, step, metrics);
    }
}
