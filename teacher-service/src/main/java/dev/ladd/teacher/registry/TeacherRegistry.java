package dev.ladd.teacher.registry;

import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.nn.Autoencoder;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.diffusion.Sampler;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
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
    private final Map<String, FlowModel> loaded = new ConcurrentHashMap<>();
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
            FlowModelCheckpoint.load(weights, manifest, FlowModel.Role.TEACHER).close();   // refuses wrong kind, hash or shapes
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
                AutoencoderCheckpoint.load(CheckpointManifests.read(files.autoencoderManifest()),
                        files.autoencoderWeights(), check);   // refuses bad files
            }
            teachers.attachAutoencoder(teacherId, blobs.put(files.autoencoderWeights()), blobs.put(files.autoencoderManifest()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot import the autoencoder of teacher " + teacherId + ": "
                    + e.getMessage(), e);
        }
    }

    /** The teacher sampled by {@code sampler}, decoded by its autoencoder: prompt to image. */
    public Pipeline pipeline(String teacherId, Sampler sampler) {
        return new Pipeline(load(teacherId), sampler, autoencoder(teacherId));
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
                Autoencoder autoencoder = AutoencoderCheckpoint.load(CheckpointManifests.read(blobs.get(blobIds.manifest())),
                        blobs.get(blobIds.weights()), aeManager);
                autoencoder.freezeParameters(true);   // used for inference only: no autograd graph on any thread
                return autoencoder;
            } catch (IOException e) {
                throw new UncheckedIOException("the autoencoder of teacher " + id + " cannot be loaded: " + e.getMessage(), e);
            }
        });
    }

    /** Registers a trained teacher with the autoencoder {weights, manifest} whose latent space it was trained in. */
    public void registerTrained(String teacherId, String description, Checkpoint checkpoint, ModelRef autoencoder) {
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
    public FlowModel load(String teacherId) {
        return loaded.computeIfAbsent(teacherId, id -> {
            ModelRef checkpoint = checkpointBlobs(id);
            try {
                return FlowModelCheckpoint.load(blobs.get(checkpoint.weights()),
                        CheckpointManifests.read(blobs.get(checkpoint.manifest())), FlowModel.Role.TEACHER);
            } catch (IOException e) {
                throw new UncheckedIOException("teacher " + id + " cannot be loaded: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        loaded.values().forEach(FlowModel::close);
        loaded.clear();
        autoencoders.clear();
        aeManager.close();
    }
}
