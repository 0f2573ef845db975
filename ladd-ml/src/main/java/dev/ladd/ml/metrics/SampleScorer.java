package dev.ladd.ml.metrics;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.train.ClassifierTraining;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scores generated latents the way every model here is compared: decoded by the autoencoder, classified
 * by the metrics' {@link FashionClassifier}, and measured against the real test set's {@link ReferenceStats}
 * (FID, precision, recall) and against their prompts (adherence). {@link #prompts()} and {@link #seeds()}
 * are the fixed evaluation set: balanced over the classes, seeds no training set uses.
 */
public final class SampleScorer implements AutoCloseable {

    /** What one model scored on the evaluation set. */
    public record Score(double fid, double precision, double recall, double adherence, int samples) {
    }

    /** Evaluation seeds start here (teacher shards use seed · 1,000,003 + i, demo grids 0 … 7). */
    public static final long FIRST_SEED = 900_000_000L;

    private final NDManager manager = NDManager.newBaseManager();
    private final FashionClassifier classifier;
    private final ReferenceStats reference;
    private final Autoencoder autoencoder;
    private final List<String> prompts = new ArrayList<>();
    private final List<Long> seeds = new ArrayList<>();
    private final Prompts classes = Prompts.fashionMnist();

    /**
     * @param classifierDir a {@link ClassifierFolder}: {@code classifier.safetensors/.json} and {@code reference-test.safetensors}
     * @param samples       size of the evaluation set
     */
    public SampleScorer(Path classifierDir, Autoencoder autoencoder, int samples) throws IOException {
        this.autoencoder = autoencoder;
        var manifest = CheckpointManifests.read(classifierDir.resolve(ClassifierFolder.MANIFEST));
        this.classifier = ClassifierTraining.load(manifest, Files.readAllBytes(classifierDir.resolve(ClassifierFolder.WEIGHTS)),
                manager);
        this.reference = ReferenceStats.fromSafetensors(Files.readAllBytes(classifierDir.resolve(ClassifierFolder.REFERENCE)));
        if (!reference.classifierSha256().equals(manifest.weightsSha256())) {
            throw new IOException("the reference statistics belong to classifier " + reference.classifierSha256()
                    + ", not to " + manifest.weightsSha256());
        }
        prompts.addAll(evaluationPrompts(samples));
        seeds.addAll(evaluationSeeds(samples));
    }

    /**
     * The first n prompts of the evaluation set: prompt i names class i mod 10 in a phrasing drawn from
     * {@code Random(FIRST_SEED)}. A longer set starts with a shorter one, so the first 64 prompts (what
     * {@link SpeedMeter} times) are the same for every set size.
     */
    public static List<String> evaluationPrompts(int n) {
        Prompts classes = Prompts.fashionMnist();
        Random rng = new Random(FIRST_SEED);
        List<String> prompts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(classes.randomPrompt(i % classes.numClasses(), rng));
        }
        return prompts;
    }

    /** The first n seeds of the evaluation set: {@link #FIRST_SEED} + i. */
    public static List<Long> evaluationSeeds(int n) {
        List<Long> seeds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seeds.add(FIRST_SEED + i);
        }
        return seeds;
    }

    public List<String> prompts() {
        return prompts;
    }

    public List<Long> seeds() {
        return seeds;
    }

    /** Scores normalized latents [prompts().size() · C · h · w] made for {@link #prompts()} and {@link #seeds()}. */
    public Score score(float[] latents) {
        ClassifierOutputs outputs = ClassifierOutputs.of(classifier, autoencoder.decodeLatents(latents));
        int n = outputs.count();
        PrecisionRecall pr = reference.precisionRecall(outputs.features());
        return new Score(reference.fid(outputs.features()), pr.precision(), pr.recall(),
                PromptAdherence.of(prompts.subList(0, n), outputs.predictions(), classes).share(), n);
    }

    @Override
    public void close() {
        manager.close();
    }
}
