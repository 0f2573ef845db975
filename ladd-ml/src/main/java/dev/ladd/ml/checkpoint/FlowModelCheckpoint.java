package dev.ladd.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.diffusion.StudentSampler;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.pipeline.FlowModel.Role;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.text.WordTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Saving and loading a {@link FlowModel} — a teacher's or a distilled student's: the same network with the same
 * manifest fields (architecture, vocabulary, latent scale/shift, lineage), told apart by the manifest's kind,
 * its {@link Role}. Loading verifies the weights' sha256 against the manifest.
 */
public final class FlowModelCheckpoint {

    private FlowModelCheckpoint() {
    }

    /** A teacher's checkpoint: the network's weights with its tokenizer and latent normalization. */
    public static Checkpoint teacher(FlowTransformer model, WordTokenizer tokenizer, double latentScale,
                                     double latentShift, String parentAutoencoder, long step, Map<String, Double> metrics) {
        String kind = Role.TEACHER.kind();
        byte[] weights = BlockWeights.toSafetensors(model, DType.F32, Map.of("kind", kind));
        CheckpointManifest manifest = CheckpointManifest.of(kind, BlockWeights.sha256Hex(weights), DType.F32)
                .withArchitecture(CheckpointManifests.architectureOf(model.config()))
                .withVocabulary(tokenizer.vocabulary())
                .withLatent(latentScale, latentShift)
                .withLineage(parentAutoencoder, null, step)
                .withMetrics(metrics)
                .withCreatedAt(Instant.now().toString());
        return new Checkpoint(weights, manifest);
    }

    /**
     * A student's checkpoint from weights by parameter name (the training weights or their EMA); it keeps the
     * teacher's architecture, vocabulary and latent space, with the teacher as parent and the producing run.
     *
     * @param teacher    the manifest of the teacher it was distilled from
     * @param samplerEta how it is to be sampled: the share of fresh noise in each re-noising ({@link StudentSampler})
     */
    public static Checkpoint student(Map<String, NDArray> weights, CheckpointManifest teacher, String teacherId,
                                     String runId, long step, Map<String, Double> metrics, double samplerEta) {
        String kind = Role.STUDENT.kind();
        byte[] bytes = Safetensors.toBytes(SafetensorsFile.of(StateTensors.of("", weights), Map.of("kind", kind)));
        CheckpointManifest manifest = CheckpointManifest.of(kind, BlockWeights.sha256Hex(bytes), DType.F32)
                .withArchitecture(teacher.architecture())
                .withVocabulary(teacher.vocabulary())
                .withLatent(teacher.latentScale(), teacher.latentShift())
                .withLineage(teacherId, runId, step)
                .withMetrics(metrics)
                .withSamplerEta(samplerEta)
                .withCreatedAt(Instant.now().toString());
        return new Checkpoint(bytes, manifest);
    }

    /**
     * {@link #load(byte[], CheckpointManifest, Role)} of a model folder's {@code <kind>.safetensors} and
     * {@code <kind>.json} (e.g. {@code models/default}'s teacher, a {@code distill --out} folder's student).
     */
    public static FlowModel load(Path folder, Role role) throws IOException {
        return load(Files.readAllBytes(folder.resolve(role.kind() + ".safetensors")),
                CheckpointManifests.read(folder.resolve(role.kind() + ".json")), role);
    }

    /** {@link #load(byte[], CheckpointManifest, Role)} of the role the manifest's kind names. */
    public static FlowModel load(Checkpoint checkpoint, Role role) throws IOException {
        return load(checkpoint.weights(), checkpoint.manifest(), role);
    }

    /**
     * Loads a frozen model in a manager of its own (closed with the model). Refuses a manifest of another
     * kind than {@code role}'s, weights whose sha256 differs from the manifest's, and weights that do not fit
     * the architecture.
     */
    public static FlowModel load(byte[] weights, CheckpointManifest manifest, Role role) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            String kind = role.kind();
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
            return new FlowModel(manager, model, tokenizer, role, manifest);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
