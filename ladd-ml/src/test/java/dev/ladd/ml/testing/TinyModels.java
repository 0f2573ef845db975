package dev.ladd.ml.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.ReferenceStats;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.ClassifierTraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny random models for the tests of the modules that score models (eval-service, ladd-tools' {@code report} and
 * {@code baselines}), made in code: a teacher and a student (a few thousand parameters, the Fashion-MNIST prompts'
 * vocabulary), an autoencoder of their 4×8×8 latent space, and a metrics classifier folder whose reference
 * statistics are those of tiny real images. Scores of random models mean nothing; what the tests check is that
 * the models they were given are measured, once. Published in ladd-ml's test-jar (one copy; eval-service's
 * {@code TinyModels} puts these checkpoints in a blob store).
 */
public final class TinyModels {

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

    /** The same models as files: {@code teacherDir} as {@code models/default}, {@code studentDir} as distill writes it. */
    public static void folders(Path teacherDir, Path studentDir, long seed) throws IOException {
        Checkpoints c = checkpoints("tiny", seed);
        Files.createDirectories(teacherDir);
        Files.createDirectories(studentDir);
        Files.write(teacherDir.resolve("teacher.safetensors"), c.teacher().weights());
        Files.write(teacherDir.resolve("teacher.json"), c.teacher().manifestJson());
        Files.write(teacherDir.resolve("autoencoder.safetensors"), c.autoencoder().weights());
        Files.write(teacherDir.resolve("autoencoder.json"), CheckpointManifests.toJson(c.autoencoder().manifest()));
        Files.write(studentDir.resolve("student.safetensors"), c.student().weights());
        Files.write(studentDir.resolve("student.json"), c.student().manifestJson());
    }

    /** A teacher (random, from {@code seed}), a tiny autoencoder and a student (random, from {@code seed + 1}). */
    public record Checkpoints(Checkpoint teacher, Checkpoint autoencoder, Checkpoint student) {
    }

    /** The checkpoints of {@link #folders}; the student names {@code teacherId} as its teacher. */
    public static Checkpoints checkpoints(String teacherId, long seed) {
        WordTokenizer tokenizer = WordTokenizer.build(Prompts.fashionMnist().allPrompts(), 10);
        try (NDManager manager = NDManager.newBaseManager()) {
            FlowTransformer teacherModel = model(manager, tokenizer, seed);
            Checkpoint teacher = FlowModelCheckpoint.teacher(teacherModel, tokenizer, 1.0, 0.0, null, 0, Map.of());
            FlowTransformer studentModel = model(manager, tokenizer, seed + 1);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            studentModel.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            Checkpoint student = FlowModelCheckpoint.student(weights, teacher.manifest(), teacherId, "run", 1, Map.of(),
                    0.0);   // not the paper's η = 1, so a scorer that ignored the manifest's sampler would score other samples
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, seed);
            return new Checkpoints(teacher, AutoencoderCheckpoint.save(autoencoder, 0, Map.of()), student);
        }
    }

    /** A tiny flow transformer of {@code tokenizer}'s vocabulary, its weights drawn from N(0, 0.1²) with {@code seed}. */
    public static FlowTransformer model(NDManager manager, WordTokenizer tokenizer, long seed) {
        Engine.getInstance().setRandomSeed(Math.toIntExact(seed));
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 10));
        model.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
        model.initialize(manager);
        return model;
    }
}
