package dev.ladd.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.ladd.Student;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.ReferenceStats;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.ml.train.ClassifierTraining;
import dev.ladd.platform.test.TestEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny random models for eval-service's tests, made in code: a teacher and a student (a few thousand
 * parameters, the Fashion-MNIST prompts' vocabulary), an autoencoder of their 4×8×8 latent space, and a
 * metrics classifier folder whose reference statistics are those of tiny real images. Scores of random models
 * mean nothing; what the tests check is that eval-service measures the models it was sent, once.
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

    private static Path classifierDir;

    private TinyModels() {
    }

    /** A classifier folder (written once per JVM) that {@code ladd.eval.classifier-dir} can point to. */
    public static synchronized Path classifierDir() {
        if (classifierDir == null) {
            try (NDManager manager = NDManager.newBaseManager()) {
                FashionClassifier classifier = new FashionClassifier(FashionClassifierConfig.tiny());
                classifier.initialize(manager, 1);
                ClassifierTraining.Checkpoint checkpoint = ClassifierTraining.saveCheckpoint(classifier,
                        FashionMnist.CLASS_NAMES, 0, Map.of());
                LabeledImages real = TinyDataset.generate(60, TinyDataset.MAX_CLASSES, 5).paddedTo32();
                Path dir = Files.createTempDirectory("tiny-classifier");
                ClassifierFolder.write(dir, checkpoint,
                        ReferenceStats.compute(classifier, checkpoint.manifest().weightsSha256(), real));
                classifierDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classifierDir;
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
        Checkpoints c = checkpoints(teacherId, seed);
        return new Family(teacherId,
                new Blobs(blobs.put(c.teacher().weights()), blobs.put(c.teacher().manifestJson())),
                new Blobs(blobs.put(c.autoencoder().safetensors()), blobs.put(CheckpointManifests.toJson(c.autoencoder().manifest()))),
                new Blobs(blobs.put(c.student().weights()), blobs.put(c.student().manifestJson())));
    }

    /** The same models as files: {@code teacherDir} as {@code models/default}, {@code studentDir} as distill writes it. */
    public static void folders(Path teacherDir, Path studentDir, long seed) throws IOException {
        Checkpoints c = checkpoints("tiny", seed);
        Files.createDirectories(teacherDir);
        Files.createDirectories(studentDir);
        Files.write(teacherDir.resolve("teacher.safetensors"), c.teacher().weights());
        Files.write(teacherDir.resolve("teacher.json"), c.teacher().manifestJson());
        Files.write(teacherDir.resolve("autoencoder.safetensors"), c.autoencoder().safetensors());
        Files.write(teacherDir.resolve("autoencoder.json"), CheckpointManifests.toJson(c.autoencoder().manifest()));
        Files.write(studentDir.resolve("student.safetensors"), c.student().weights());
        Files.write(studentDir.resolve("student.json"), c.student().manifestJson());
    }

    private record Checkpoints(Teacher.Checkpoint teacher, AutoencoderTraining.Checkpoint autoencoder,
                               Student.Checkpoint student) {
    }

    private static Checkpoints checkpoints(String teacherId, long seed) {
        WordTokenizer tokenizer = WordTokenizer.build(Prompts.fashionMnist().allPrompts(), 10);
        try (NDManager manager = NDManager.newBaseManager()) {
            FlowTransformer teacherModel = model(manager, tokenizer, seed);
            Teacher.Checkpoint teacher = Teacher.checkpoint(teacherModel, tokenizer, 1.0, 0.0, null, 0, Map.of());
            FlowTransformer studentModel = model(manager, tokenizer, seed + 1);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            studentModel.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            Student.Checkpoint student = Student.checkpoint(weights, teacher.manifest(), teacherId, "run", 1, Map.of(),
                    0.0);   // not the paper's η = 1, so a scorer that ignored the manifest's sampler would score other samples
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, seed);
            return new Checkpoints(teacher, AutoencoderTraining.saveCheckpoint(autoencoder, 0, Map.of()), student);
        }
    }

    private static FlowTransformer model(NDManager manager, WordTokenizer tokenizer, long seed) {
        Engine.getInstance().setRandomSeed(Math.toIntExact(seed));
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 10));
        model.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
        model.initialize(manager);
        return model;
    }

    public static BlobRef ref(BlobId id) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }
}
