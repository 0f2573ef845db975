package dev.ladd.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.testing.TinyModels;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.platform.test.TestEvents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny random models for inference-service's tests, made in code as eval-service's (the same tiny networks, ladd-ml's
 * test-jar {@link TinyModels#model}): a tiny teacher gives the
 * architecture, vocabulary and latent space; a student (random weights from a seed) is checkpointed with
 * {@link FlowModelCheckpoint#student}; a tiny autoencoder decodes its 4×8×8 latents into 32×32 images. Their images mean
 * nothing; the tests check that the service serves the checkpoint it was told to, and only a verified one.
 */
public final class TinyServingModels {

    private TinyServingModels() {
    }

    /** A servable model in the blob store: the student's and the autoencoder's claim checks. */
    public record Servable(String checkpointId, BlobId weights, BlobId manifest, BlobId autoencoderWeights,
                           BlobId autoencoderManifest) {

        /** ServingDesired for this model, as gateway-service sends it. */
        public EventEnvelope desired(String alias, long revision) {
            return TestEvents.from("gateway-service", alias, EventEnvelope.newBuilder().setServingDesired(
                    ServingDesired.newBuilder().setAlias(alias).setCheckpointId(checkpointId).setRevision(revision)
                            .setStudent(ModelRef.newBuilder().setWeights(ref(weights)).setManifest(ref(manifest)))
                            .setAutoencoder(ModelRef.newBuilder().setWeights(ref(autoencoderWeights)).setManifest(ref(autoencoderManifest)))));
        }
    }

    /** Stores a student (random from {@code seed}) and an autoencoder and returns their claim checks. */
    public static Servable store(BlobStore blobs, String checkpointId, long seed) throws IOException {
        return store(blobs, checkpointId, seed, false);
    }

    /** As above; with {@code nanWeights} every student weight is NaN: a checkpoint that loads but makes no image. */
    public static Servable store(BlobStore blobs, String checkpointId, long seed, boolean nanWeights) throws IOException {
        WordTokenizer tokenizer = WordTokenizer.build(Prompts.fashionMnist().allPrompts(), 10);
        try (NDManager manager = NDManager.newBaseManager()) {
            FlowTransformer teacherModel = TinyModels.model(manager, tokenizer, seed);
            Checkpoint teacher = FlowModelCheckpoint.teacher(teacherModel, tokenizer, 1.0, 0.0, null, 0, Map.of());
            FlowTransformer studentModel = TinyModels.model(manager, tokenizer, seed + 1);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            studentModel.getParameters().forEach(p -> weights.put(p.getKey(), nanWeights
                    ? manager.full(p.getValue().getArray().getShape(), Float.NaN) : p.getValue().getArray()));
            Checkpoint student = FlowModelCheckpoint.student(weights, teacher.manifest(), "tiny-teacher", "run", 1, Map.of(), 0.0);
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, seed);
            Checkpoint ae = AutoencoderCheckpoint.save(autoencoder, 0, Map.of());
            return new Servable(checkpointId, blobs.put(student.weights()), blobs.put(student.manifestJson()),
                    blobs.put(ae.weights()), blobs.put(CheckpointManifests.toJson(ae.manifest())));
        }
    }

    /** The same model as folders: {@code studentDir} as {@code distill --out} writes it, {@code teacherDir}'s autoencoder. */
    public static void folders(BlobStore blobs, Path studentDir, Path teacherDir, long seed) throws IOException {
        Servable s = store(blobs, "folder", seed);
        Files.createDirectories(studentDir);
        Files.createDirectories(teacherDir);
        Files.write(studentDir.resolve("student.safetensors"), blobs.get(s.weights()));
        Files.write(studentDir.resolve("student.json"), blobs.get(s.manifest()));
        Files.write(teacherDir.resolve("autoencoder.safetensors"), blobs.get(s.autoencoderWeights()));
        Files.write(teacherDir.resolve("autoencoder.json"), blobs.get(s.autoencoderManifest()));
    }

    /** Alters one byte of a stored blob in place, as a bad disk would: reading it must now fail its sha256. */
    public static void corrupt(Path blobRoot, BlobId blob) throws IOException {
        Path file = file(blobRoot, blob);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        file.toFile().setWritable(true);
        Files.write(file, bytes);
    }

    /** Where the file-system blob store keeps a blob. */
    public static Path file(Path blobRoot, BlobId blob) {
        return blobRoot.resolve("sha256").resolve(blob.sha256().substring(0, 2)).resolve(blob.sha256());
    }

    public static BlobRef ref(BlobId id) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }
}
