package dev.ladd.ml.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.diffusion.SeededBatches;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A teacher ready to sample: the flow transformer, the tokenizer it was trained with and the latent
 * normalization of its autoencoder. Checkpoint = safetensors weights + a manifest of kind "teacher"
 * (architecture, vocabulary, latent scale/shift, parent autoencoder).
 */
public final class Teacher implements AutoCloseable {

    public static final String KIND = "teacher";
    private final NDManager manager;
    private final FlowTransformer model;
    private final WordTokenizer tokenizer;
    private final CheckpointManifest manifest;

    private Teacher(NDManager manager, FlowTransformer model, WordTokenizer tokenizer, CheckpointManifest manifest) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manifest = manifest;
    }

    /** A checkpoint of a trained model: its weights and a manifest naming everything needed to use it. */
    public record Checkpoint(byte[] weights, CheckpointManifest manifest) {
        public byte[] manifestJson() {
            return CheckpointManifests.toJson(manifest);
        }
    }

    /** Saves a model with its tokenizer and latent normalization. */
    public static Checkpoint checkpoint(FlowTransformer model, WordTokenizer tokenizer, double latentScale,
                                        double latentShift, String parentAutoencoder, long step,
                                        Map<String, Double> metrics) {
        byte[] weights = BlockWeights.toSafetensors(model, DType.F32, Map.of("kind", KIND));
        CheckpointManifest manifest = CheckpointManifest.of(KIND, BlockWeights.sha256Hex(weights), DType.F32)
                .withArchitecture(CheckpointManifests.architectureOf(model.config()))
                .withVocabulary(tokenizer.vocabulary())
                .withLatent(latentScale, latentShift)
                .withLineage(parentAutoencoder, null, step)
                .withMetrics(metrics)
                .withCreatedAt(Instant.now().toString());
        return new Checkpoint(weights, manifest);
    }

    /**
     * Loads a teacher from its checkpoint, refusing a manifest of another kind, weights whose sha256
     * differs from the manifest's, and weights that do not fit the architecture.
     */
    public static Teacher load(byte[] weights, CheckpointManifest manifest) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            FlowModelCheckpoint.Loaded loaded = FlowModelCheckpoint.load(weights, manifest, KIND, manager);
            return new Teacher(manager, loaded.model(), loaded.tokenizer(), manifest);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public FlowTransformer model() {
        return model;
    }

    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    public CheckpointManifest manifest() {
        return manifest;
    }

    /**
     * Samples one latent per (prompt, seed) with Euler steps and CFG. Each sample's starting noise comes
     * from its own seed, so a sample does not depend on which batch it was drawn in.
     *
     * @return normalized latents, [prompts.size() · C · h · w]
     */
    public float[] sample(List<String> prompts, List<Long> seeds, int steps, double guidanceScale, double shift) {
        EulerSampler sampler = new EulerSampler(steps, guidanceScale, shift);
        return SeededBatches.sample(model.config().denoiser(), prompts, seeds, manager, (chunk, start, texts, rngs) -> {
            NDArray[] text = encode(chunk, texts);
            NDArray[] empty = encode(chunk, Collections.nCopies(texts.size(), Prompts.UNCONDITIONAL));
            return sampler.sample(model, start, text[0], text[1], empty[0], empty[1]);
        });
    }

    /** A shard of synthetic latents for LADD: {@link #sample} plus the prompts and seeds that made it. */
    public LatentShard syntheticShard(String teacherId, List<String> prompts, List<Long> seeds, int steps,
                                      float guidanceScale) {
        DenoiserConfig d = model.config().denoiser();
        float[] latents = sample(prompts, seeds, steps, guidanceScale, 1.0);
        return new LatentShard(teacherId, steps, guidanceScale,
                new long[]{d.latentChannels(), d.latentHeight(), d.latentWidth()}, latents, prompts, seeds);
    }

    /** {ids [B, L], mask [B, L]} as float arrays in the given manager. */
    public NDArray[] encode(NDManager target, List<String> prompts) {
        return PromptArrays.of(target, tokenizer, prompts);
    }

    @Override
    public void close() {
        manager.close();
    }
}
