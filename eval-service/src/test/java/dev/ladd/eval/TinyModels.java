package dev.ladd.eval;

import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.platform.test.TestEvents;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tiny random models for eval-service's tests: ladd-ml's {@link dev.ladd.ml.testing.TinyModels} (its test-jar) put
 * in the blob store and announced as the trainer announces a checkpoint, and the properties that make scoring small.
 * Scores of random models mean nothing; what the tests check is that eval-service measures the models it was sent, once.
 */
public final class TinyModels {

    /** The full pass's evaluation set in the tests: three units of work (64, 64 and 2 samples). */
    public static final int FULL_SAMPLES = 130;
    /** The quick pass's: one unit. */
    public static final int QUICK_SAMPLES = 20;

    /**
     * The properties that make scoring small: a quick pass of 20 samples, a full one of 130, two student and two
     * teacher step counts, one timing.
     */
    public static final String[] SCORING_PROPERTIES = {
            "ladd.eval.samples=" + FULL_SAMPLES, "ladd.eval.quick-samples=" + QUICK_SAMPLES,
            "ladd.eval.student-steps=1,2", "ladd.eval.teacher-steps=3,1",
            "ladd.eval.teacher-cfg-scale=1.5", "ladd.eval.speed.warmup=0", "ladd.eval.speed.repeats=1",
            "ladd.eval.worker.poll-interval=200ms"};

    private TinyModels() {
    }

    /** A classifier folder (written once per JVM) that {@code ladd.eval.classifier-dir} can point to. */
    public static Path classifierDir() {
        return dev.ladd.ml.testing.TinyModels.classifierDir();
    }

    /** The blobs of one model: weights and manifest. */
    public record Blobs(BlobId weights, BlobId manifest) {
        public BlobRef weightsRef() {
            return ref(weights);
        }

        public BlobRef manifestRef() {
            return ref(manifest);
        }
    }

    /** A teacher, its autoencoder and a student distilled from it (another random model), in the blob store. */
    public record Family(String teacherId, Blobs teacher, Blobs autoencoder, Blobs student) {

        /** CheckpointPublished of the student, as the trainer sends it. */
        public EventEnvelope published(String runId, String checkpointId, int step) {
            return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setCheckpointPublished(
                    CheckpointPublished.newBuilder().setRunId(runId).setCheckpointId(checkpointId).setStep(step)
                            .setTeacherId(teacherId)
                            .setStudent(ModelRef.newBuilder().setWeights(student.weightsRef()).setManifest(student.manifestRef()))
                            .setTeacher(ModelRef.newBuilder().setWeights(teacher.weightsRef()).setManifest(teacher.manifestRef()))
                            .setAutoencoder(ModelRef.newBuilder().setWeights(autoencoder.weightsRef())
                            .setManifest(autoencoder.manifestRef()))));
        }
    }

    /**
     * Stores a teacher (random, from {@code seed}), a tiny autoencoder and a student (random, from
     * {@code seed + 1}) and returns their blobs.
     */
    public static Family family(BlobStore blobs, String teacherId, long seed) throws IOException {
        dev.ladd.ml.testing.TinyModels.Checkpoints c = dev.ladd.ml.testing.TinyModels.checkpoints(teacherId, seed);
        return new Family(teacherId,
                new Blobs(blobs.put(c.teacher().weights()), blobs.put(c.teacher().manifestJson())),
                new Blobs(blobs.put(c.autoencoder().weights()), blobs.put(CheckpointManifests.toJson(c.autoencoder().manifest()))),
                new Blobs(blobs.put(c.student().weights()), blobs.put(c.student().manifestJson())));
    }

    public static BlobRef ref(BlobId id) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }
}
