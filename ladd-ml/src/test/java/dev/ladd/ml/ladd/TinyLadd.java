package dev.ladd.ml.ladd;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.DiscriminatorConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A tiny teacher (a few thousand parameters, random weights), its student copy, heads and a batch of latents. */
final class TinyLadd {

    static final Prompts PROMPTS = TinyDataset.prompts(4);
    static final WordTokenizer TOKENIZER = WordTokenizer.build(PROMPTS.allPrompts(), 8);

    static LaddConfig config() {
        return LaddConfig.builder().batchSize(6).seed(3).build();
    }

    static FlowTransformer model(NDManager manager) {
        Engine.getInstance().setRandomSeed(11);
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(TOKENIZER.vocabularySize(), 8));
        model.initialize(manager);
        return model;
    }

    /** A student starting from the teacher's weights. */
    static FlowTransformer copyOf(FlowTransformer teacher, NDManager manager) throws Exception {
        FlowTransformer student = model(manager);
        BlockWeights.load(student, BlockWeights.snapshot(teacher, DType.F32, Map.of()));
        return student;
    }

    static Discriminator heads(FlowTransformer teacher, LaddConfig config, NDManager manager) {
        var d = teacher.config().denoiser();
        Discriminator heads = new Discriminator(new DiscriminatorConfig(LaddTraining.featureBlocks(config, d),
                d.width(), d.textWidth(), 16, 8, config.headNorm()));
        heads.initialize(manager, 7);
        return heads;
    }

    static LaddTraining training(NDManager manager, LaddConfig config) throws Exception {
        FlowTransformer teacher = model(manager);
        return new LaddTraining(teacher, copyOf(teacher, manager), heads(teacher, config, manager), TOKENIZER, config);
    }

    static LaddBatch batch(int size, long seed) {
        Random rng = new Random(seed);
        float[] latents = new float[size * 4 * 8 * 8];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) rng.nextGaussian();
        }
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            prompts.add(PROMPTS.randomPrompt(i % 4, rng));
            seeds.add(seed * 100 + i);
        }
        return new LaddBatch(latents, new long[]{4, 8, 8}, prompts, seeds);
    }

    static float[] weights(ai.djl.nn.Block block) {
        List<float[]> parts = new ArrayList<>();
        BlockWeights.snapshot(block, DType.F32, Map.of()).tensors().values().forEach(t -> parts.add(t.values()));
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private TinyLadd() {
    }
}
