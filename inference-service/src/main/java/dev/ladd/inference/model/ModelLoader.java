package dev.ladd.inference.model;

import ai.djl.ndarray.NDManager;
import dev.ladd.inference.serving.DesiredModel;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.ladd.Student;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.train.AutoencoderTraining;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

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
        if (d.autoencoderWeights() == null || d.autoencoderManifest() == null) {
            throw new ModelLoadException("ServingDesired names no autoencoder (autoencoder_weights / autoencoder_manifest):"
                    + " the student's latents cannot be decoded into images");
        }
        byte[] weights = fetch("student weights", d.weights());
        byte[] manifest = fetch("student manifest", d.manifest());
        byte[] aeWeights = fetch("autoencoder weights", d.autoencoderWeights());
        byte[] aeManifest = fetch("autoencoder manifest", d.autoencoderManifest());
        return load(d.alias(), d.checkpointId(), d.revision(), weights, manifest, aeWeights, aeManifest, clock);
    }

    /** Loads, checks, warms up and smoke-tests a model from its bytes (also the bench command's way in). */
    public static ServedModel load(String alias, String checkpointId, long revision, byte[] studentWeights,
                                   byte[] studentManifest, byte[] autoencoderWeights, byte[] autoencoderManifest,
                                   Clock clock) throws ModelLoadException {
        Student student;
        try {
            student = Student.load(studentWeights, manifest("student", studentManifest));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("student does not load: " + e.getMessage(), e);
        }
        NDManager aeManager = NDManager.newBaseManager();
        ServedModel model;
        try {
            Autoencoder autoencoder = AutoencoderTraining.load(manifest("autoencoder", autoencoderManifest),
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

    private static void checkLatentSpace(Student student, Autoencoder autoencoder) throws ModelLoadException {
        try {
            autoencoder.requireDecodes("the student", student.model().config().denoiser());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    private byte[] fetch(String what, BlobId id) throws ModelLoadException {
        try {
            return blobs.get(id);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(what + " (blob " + id.sha256() + "): " + e.getMessage(), e);
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
