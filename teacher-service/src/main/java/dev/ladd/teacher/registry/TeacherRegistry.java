package dev.ladd.teacher.registry;

import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.teacher.ImagePipeline;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.ml.train.AutoencoderTraining;
import ai.djl.ndarray.NDManager;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Registers teachers (a checkpoint: safetensors weights + manifest, verified by loading them) and hands
 * out loaded teachers for sampling. Checkpoints live in the blob store; a loaded teacher is cached.
 */
@Service
public class TeacherRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TeacherRegistry.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final TeacherRepository teachers;
    private final BlobStore blobs;
    private final Map<String, Teacher> loaded = new ConcurrentHashMap<>();
    private final Map<String, Autoencoder> autoencoders = new ConcurrentHashMap<>();
    private final NDManager aeManager = NDManager.newBaseManager();

    public TeacherRegistry(TeacherRepository teachers, BlobStore blobs) {
        this.teachers = teachers;
        this.blobs = blobs;
    }

    /**
     * Verifies and registers a checkpoint under {@code teacherId}.
     *
     * @throws IllegalArgumentException if the id is malformed or taken, or the checkpoint is not a valid teacher
     */
    public void register(String teacherId, String description, byte[] manifestJson, byte[] weights, String source) {
        if (!ID.matcher(teacherId).matches()) {
            throw new IllegalArgumentException("teacher id must be 1-64 letters, digits, '.', '_' or '-', got '" + teacherId + "'");
        }
        CheckpointManifest manifest;
        try {
            manifest = CheckpointManifests.read(manifestJson);
            Teacher.load(weights, manifest).close();   // refuses wrong kind, hash or shapes
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid teacher checkpoint: " + e.getMessage(), e);
        }
        try {
            BlobId weightsBlob = blobs.put(weights);
            BlobId manifestBlob = blobs.put(manifestJson);
            if (!teachers.insert(teacherId, description, weightsBlob, manifestBlob, manifest, source)) {
                throw new IllegalArgumentException("a teacher with id '" + teacherId + "' is already registered");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the checkpoint of teacher " + teacherId, e);
        }
        log.info("teacher {} registered ({}, weights {})", teacherId, source, manifest.weightsSha256());
    }

    /** Imports a model folder the service was configured with (see {@link ModelFolder#read}). */
    public void importFolder(String teacherId, String description, Path folder, String source) {
        ModelFolder files;
        try {
            files = ModelFolder.read(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot import the model folder " + folder + ": " + e.getMessage(), e);
        }
        importModel(teacherId, description, files, source);
    }

    /**
     * Registers a model folder's teacher and, when the folder has one, its autoencoder (needed for image samples),
     * each verified by loading it.
     */
    public void importModel(String teacherId, String description, ModelFolder files, String source) {
        register(teacherId, description, files.teacherManifest(), files.teacherWeights(), source);
        if (files.autoencoderManifest() == null) {
            return;
        }
        try {
            try (NDManager check = NDManager.newBaseManager()) {
                AutoencoderTraining.load(CheckpointManifests.read(files.autoencoderManifest()),
                        files.autoencoderWeights(), check);   // refuses bad files
            }
            teachers.attachAutoencoder(teacherId, blobs.put(files.autoencoderWeights()), blobs.put(files.autoencoderManifest()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot import the autoencoder of teacher " + teacherId + ": "
                    + e.getMessage(), e);
        }
    }

    /** Teacher + autoencoder: prompt to image. */
    public ImagePipeline pipeline(String teacherId) {
        return new ImagePipeline(load(teacherId), autoencoder(teacherId));
    }

    /** The blobs {weights, manifest} of the autoencoder registered with a teacher (its latent space). */
    public ModelRef autoencoderBlobs(String teacherId) {
        return attachedAutoencoder(teacherId)
                .orElseThrow(() -> new NotFoundException("teacher '" + teacherId + "' has no autoencoder to decode images with"));
    }

    /** The blobs {weights, manifest} of a teacher's autoencoder; empty when it was registered without one. */
    public Optional<ModelRef> attachedAutoencoder(String teacherId) {
        return teachers.autoencoder(teacherId);
    }

    /** The autoencoder registered with a teacher (its latent space), verified and cached. */
    public Autoencoder autoencoder(String teacherId) {
        return autoencoders.computeIfAbsent(teacherId, id -> {
            ModelRef blobIds = autoencoderBlobs(id);
            try {
                Autoencoder autoencoder = AutoencoderTraining.load(CheckpointManifests.read(blobs.get(blobIds.manifest())),
                        blobs.get(blobIds.weights()), aeManager);
                autoencoder.freezeParameters(true);   // used for inference only: no autograd graph on any thread
                return autoencoder;
            } catch (IOException e) {
                throw new UncheckedIOException("the autoencoder of teacher " + id + " cannot be loaded: " + e.getMessage(), e);
            }
        });
    }

    /** Registers a trained teacher with the autoencoder {weights, manifest} whose latent space it was trained in. */
    public void registerTrained(String teacherId, String description, Teacher.Checkpoint checkpoint, ModelRef autoencoder) {
        register(teacherId, description, checkpoint.manifestJson(), checkpoint.weights(), "trained");
        teachers.attachAutoencoder(teacherId, autoencoder.weights(), autoencoder.manifest());
    }

    public boolean isRegistered(String teacherId) {
        return teachers.exists(teacherId);
    }

    /** The blobs {weights, manifest} of a teacher's checkpoint. */
    public ModelRef checkpointBlobs(String teacherId) {
        return teachers.checkpoint(teacherId)
                .orElseThrow(() -> new NotFoundException("no teacher '" + teacherId + "' with a checkpoint"));
    }

    /** The loaded teacher, verified against its blobs' checksums on first use. */
    public Teacher load(String teacherId) {
        return loaded.computeIfAbsent(teacherId, id -> {
            ModelRef checkpoint = checkpointBlobs(id);
            try {
                return Teacher.load(blobs.get(checkpoint.weights()),
                        CheckpointManifests.read(blobs.get(checkpoint.manifest())));
            } catch (IOException e) {
                throw new UncheckedIOException("teacher " + id + " cannot be loaded: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        loaded.values().forEach(Teacher::close);
        loaded.clear();
        autoencoders.clear();
        aeManager.close();
    }
}
