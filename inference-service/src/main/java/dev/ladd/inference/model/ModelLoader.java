package dev.ladd.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.inference.serving.DesiredModel;
import dev.ladd.ml.blob.BlobCorruptedException;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.text.WordTokenizer;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a desired model ready to serve, or says why it cannot: fetch the four blobs (the store re-hashes every
 * read and refuses a mismatch), load the student (its manifest's weights sha256 is checked again) and the
 * autoencoder, check that the autoencoder decodes the student's latents, warm up, and run a smoke generation
 * whose images must have the right size and finite values. Nothing here touches the model being served.
 */
@Component
public class ModelLoader {

    /** Prompts of the warm-up and smoke generations (any text works; unknown words are {@code <unk>}). */
    static final List<String> SMOKE_PROMPTS = List.of("a photo of a sneaker", "a photo of a bag");

    private final BlobStore blobs;
    private final Clock clock;

    public ModelLoader(BlobStore blobs, Clock clock) {
        this.blobs = blobs;
        this.clock = clock;
    }

    public ServedModel load(DesiredModel d) throws ModelLoadException {
        if (d.autoencoder() == null) {
            throw new ModelLoadException("ServingDesired names no autoencoder (its autoencoder ModelRef is missing or half empty):"
                    + " the student's latents cannot be decoded into images");
        }
        byte[] weights = fetch("student weights", d.student().weights());
        byte[] manifest = fetch("student manifest", d.student().manifest());
        byte[] aeWeights = fetch("autoencoder weights", d.autoencoder().weights());
        byte[] aeManifest = fetch("autoencoder manifest", d.autoencoder().manifest());
        return load(d.alias(), d.checkpointId(), d.revision(), weights, manifest, aeWeights, aeManifest, clock);
    }

    /** Loads, checks, warms up and smoke-tests a model from its bytes (also the bench command's way in). */
    public static ServedModel load(String alias, String checkpointId, long revision, byte[] studentWeights,
                                   byte[] studentManifest, byte[] autoencoderWeights, byte[] autoencoderManifest,
                                   Clock clock) throws ModelLoadException {
        FlowModel student;
        try {
            student = FlowModelCheckpoint.load(studentWeights, manifest("student", studentManifest), FlowModel.Role.STUDENT);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("student does not load: " + e.getMessage(), e);
        }
        NDManager aeManager = NDManager.newBaseManager();
        ServedModel model;
        try {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(manifest("autoencoder", autoencoderManifest),
                    autoencoderWeights, aeManager);
            autoencoder.freezeParameters(true);
            checkLatentSpace(student, autoencoder);
            model = new ServedModel(alias, checkpointId, revision, student, autoencoder, aeManager, clock.instant());
        } catch (IOException | RuntimeException | ModelLoadException e) {
            student.close();
            aeManager.close();
            throw e instanceof ModelLoadException m ? m : new ModelLoadException("autoencoder does not load: " + e.getMessage(), e);
        }
        try {
            warmUpAndSmokeTest(model);
        } catch (ModelLoadException | RuntimeException e) {
            model.retire();
            throw e instanceof ModelLoadException m ? m : new ModelLoadException("smoke generation failed: " + e.getMessage(), e);
        }
        return model;
    }

    /**
     * Pays the one-time costs of a JVM's first model — loading libtorch, DJL's and this code's first model
     * construction, load and forward passes, about 4–5 s of a first swap's 5–8 s on 2 cores — with a tiny random
     * student and autoencoder taken through {@link #load} like a real model, so that the first real swap (on a fresh
     * platform: the committed default student, docs/adr/014) takes only its own time. Nothing is kept.
     */
    public static void warmUp(Clock clock) throws ModelLoadException {
        WordTokenizer tokenizer = WordTokenizer.build(List.of("a photo of a sneaker"), 8);
        byte[][] student;
        byte[][] autoencoder;
        try (NDManager manager = NDManager.newBaseManager()) {
            FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
            model.initialize(manager);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            model.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            CheckpointManifest teacher = FlowModelCheckpoint.teacher(model, tokenizer, 1.0, 0.0, null, 0, Map.of()).manifest();
            Checkpoint checkpoint = FlowModelCheckpoint.student(weights, teacher, teacher.weightsSha256(), "warm-up", 1,
                    Map.of(), 0.0);
            student = new byte[][]{checkpoint.weights(), checkpoint.manifestJson()};
            Autoencoder ae = new Autoencoder(AutoencoderConfig.tiny());
            ae.initialize(manager, 1);
            Checkpoint aeCheckpoint = AutoencoderCheckpoint.save(ae, 0, Map.of());
            autoencoder = new byte[][]{aeCheckpoint.weights(), CheckpointManifests.toJson(aeCheckpoint.manifest())};
        } catch (RuntimeException e) {
            throw new ModelLoadException("the warm-up model could not be made: " + e.getMessage(), e);
        }
        load("warm-up", "warm-up", 0, student[0], student[1], autoencoder[0], autoencoder[1], clock).retire();
    }

    /**
     * The first calls pay for libtorch's lazy set-up: one generation at 1 step, then the smoke generation (two
     * images, 2 steps) whose output must be two images of the autoencoder's size with finite values only.
     */
    static void warmUpAndSmokeTest(ServedModel model) throws ModelLoadException {
        model.generate(SMOKE_PROMPTS.subList(0, 1), List.of(0L), 1);
        float[] images = model.generate(SMOKE_PROMPTS, List.of(1L, 2L), 2);
        int expected = SMOKE_PROMPTS.size() * model.valuesPerImage();
        if (images.length != expected) {
            throw new ModelLoadException("smoke generation made " + images.length + " values, expected " + expected
                    + " (2 images of " + model.imageChannels() + "×" + model.imageSize() + "×" + model.imageSize() + ")");
        }
        for (int i = 0; i < images.length; i++) {
            if (!Float.isFinite(images[i])) {
                throw new ModelLoadException("smoke generation made a non-finite value (" + images[i] + " at index " + i + ")");
            }
        }
    }

    private static void checkLatentSpace(FlowModel student, Autoencoder autoencoder) throws ModelLoadException {
        try {
            autoencoder.requireDecodes("the student", student.network().config().denoiser());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** A blob of the checkpoint: corrupt is the checkpoint's fault; not readable (missing, I/O) may pass. */
    private byte[] fetch(String what, BlobId id) throws ModelLoadException {
        try {
            return blobs.get(id);
        } catch (BlobCorruptedException | RuntimeException e) {
            throw new ModelLoadException(what + " (blob " + id.sha256() + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw ModelLoadException.transientFailure(what + " (blob " + id.sha256() + ") could not be read: "
                    + e.getMessage(), e);
        }
    }

    private static CheckpointManifest manifest(String what, byte[] json) throws ModelLoadException {
        try {
            return CheckpointManifests.read(json);
        } catch (RuntimeException | IOException e) {
            throw new ModelLoadException(what + " manifest is not readable: " + e.getMessage(), e);
        }
    }
}
