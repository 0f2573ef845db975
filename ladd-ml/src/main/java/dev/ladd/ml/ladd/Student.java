package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.diffusion.SeededBatches;
import dev.ladd.ml.diffusion.StudentSampler;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.teacher.FlowModelCheckpoint;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.StateTensors;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A distilled student ready to sample in 1–4 unguided steps. Checkpoint = safetensors weights + a manifest
 * of kind "student" that keeps the teacher's architecture, vocabulary and latent normalization, with the
 * teacher as parent and the producing run.
 */
public final class Student implements AutoCloseable {

    public static final String KIND = "student";

    private final NDManager manager;
    private final FlowTransformer model;
    private final WordTokenizer tokenizer;
    private final CheckpointManifest manifest;

    private Student(NDManager manager, FlowTransformer model, WordTokenizer tokenizer, CheckpointManifest manifest) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manifest = manifest;
    }

    /** The bytes to store: weights and their manifest. */
    public record Checkpoint(byte[] weights, CheckpointManifest manifest) {
        public byte[] manifestJson() {
            return CheckpointManifests.toJson(manifest);
        }
    }

    /**
     * A student checkpoint from weights by parameter name (the training weights or their EMA).
     *
     * @param teacher    the manifest of the teacher it was distilled from (architecture, vocabulary, latent space)
     * @param samplerEta how it is to be sampled: the share of fresh noise in each re-noising ({@link StudentSampler})
     */
    public static Checkpoint checkpoint(Map<String, NDArray> weights, CheckpointManifest teacher, String teacherId,
                                        String runId, long step, Map<String, Double> metrics, double samplerEta) {
        byte[] bytes = Safetensors.toBytes(SafetensorsFile.of(StateTensors.of("", weights), Map.of("kind", KIND)));
        CheckpointManifest manifest = CheckpointManifest.of(KIND, BlockWeights.sha256Hex(bytes), DType.F32)
                .withArchitecture(teacher.architecture())
                .withVocabulary(teacher.vocabulary())
                .withLatent(teacher.latentScale(), teacher.latentShift())
                .withLineage(teacherId, runId, step)
                .withMetrics(metrics)
                .withSamplerEta(samplerEta)
                .withCreatedAt(Instant.now().toString());
        return new Checkpoint(bytes, manifest);
    }

    /** Loads a student, refusing another kind, a hash mismatch or weights that do not fit. */
    public static Student load(byte[] weights, CheckpointManifest manifest) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            FlowModelCheckpoint.Loaded loaded = FlowModelCheckpoint.load(weights, manifest, KIND, manager);
            return new Student(manager, loaded.model(), loaded.tokenizer(), manifest);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public CheckpointManifest manifest() {
        return manifest;
    }

    public FlowTransformer model() {
        return model;
    }

    /** The sampler's share of fresh noise this student was made for (its manifest's; 1, the paper's, if unset). */
    public double samplerEta() {
        return manifest.samplerEta() == null ? StudentSampler.FRESH_NOISE : manifest.samplerEta();
    }

    /** Samples with the student's own sampler ({@link #samplerEta()}); see the static method. */
    public float[] sample(List<String> prompts, List<Long> seeds, int steps) {
        try (NDManager scratch = manager.newSubManager()) {   // the sampling's arrays are freed, the weights kept
            return sample(model, tokenizer, prompts, seeds, steps, samplerEta(), scratch);
        }
    }

    /**
     * Samples one latent per (prompt, seed) in {@code steps} student steps. Sample i starts from the same
     * noise as the teacher's sample for that seed ({@code Random(seed)}) and draws its re-noising from the
     * same generator, so it depends only on its own prompt and seed.
     *
     * @return normalized latents, [prompts.size() · C · h · w]
     */
    public static float[] sample(FlowTransformer model, WordTokenizer tokenizer, List<String> prompts, List<Long> seeds,
                                 int steps, NDManager manager) {
        return sample(model, tokenizer, prompts, seeds, steps, StudentSampler.FRESH_NOISE, manager);
    }

    /** As above with a share {@code eta} of fresh noise in each re-noising ({@link StudentSampler}). */
    public static float[] sample(FlowTransformer model, WordTokenizer tokenizer, List<String> prompts, List<Long> seeds,
                                 int steps, double eta, NDManager manager) {
        StudentSampler sampler = new StudentSampler(steps, eta);
        return SeededBatches.sample(model.config().denoiser(), prompts, seeds, manager, (chunk, start, texts, rngs) -> {
            NDArray[] text = PromptArrays.of(chunk, tokenizer, texts);
            return sampler.sample(model, start, text[0], text[1], rngs);
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
