package dev.ladd.eval.cli;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.ClassifierOutputs;
import dev.ladd.ml.metrics.PrecisionRecall;
import dev.ladd.ml.metrics.ReferenceStats;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.nn.FashionClassifierConfig;
import dev.ladd.ml.train.ClassifierTraining;
import dev.ladd.ml.train.ProgressReporter;
import dev.ladd.platform.cli.CommandLineOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * eval-service's offline jobs, run from the command line with the service's jar:
 * <pre>
 *   java -jar eval-service.jar train-classifier --out=models/classifier [--steps=3500] [--batch=128] [--seed=0]
 *                                              [--learning-rate=0.002] [--data=DIR]
 * </pre>
 * {@code train-classifier} trains the {@link FashionClassifier} whose features FID, precision/recall and
 * prompt adherence are measured with, on Fashion-MNIST's training set, and writes three files:
 * {@code classifier.safetensors}, {@code classifier.json} (kind "classifier", metrics {test_accuracy}) and
 * {@code reference-test.safetensors}, the {@link ReferenceStats} of the 10,000 test images. As a floor for
 * generated images it prints the scores of 10,000 real training images against that reference.
 */
public final class EvalCommandLine {

    public static final Set<String> COMMANDS = Set.of("train-classifier");
    public static final long DEFAULT_STEPS = 3500;
    public static final String WEIGHTS = ClassifierFolder.WEIGHTS;
    public static final String MANIFEST = ClassifierFolder.MANIFEST;
    public static final String REFERENCE = ClassifierFolder.REFERENCE;

    private final PrintStream out;

    EvalCommandLine(PrintStream out) {
        this.out = out;
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
    public static int run(String[] args) {
        EvalCommandLine cli = new EvalCommandLine(System.out);
        return CommandLineOptions.dispatch(args, Map.of("train-classifier", cli::trainClassifier));
    }

    void trainClassifier(CommandLineOptions o) throws IOException {
        Path outDir = Path.of(o.required("out"));
        ClassifierTraining.Config defaults = ClassifierTraining.Config.fashionMnist(o.number("steps", DEFAULT_STEPS),
                Math.toIntExact(o.number("batch", ClassifierTraining.DEFAULT_BATCH)), o.number("seed", 0));
        ClassifierTraining.Config config = new ClassifierTraining.Config(defaults.steps(), defaults.batchSize(),
                o.decimal("learning-rate", defaults.learningRate()), defaults.weightDecay(), defaults.seed());
        long start = System.nanoTime();

        FashionMnist dataset = o.has("data") ? FashionMnist.at(Path.of(o.get("data"))) : FashionMnist.fromDefaultLocation();
        LabeledImages train = dataset.train().paddedTo32();
        LabeledImages test = dataset.test().paddedTo32();
        out.printf("Fashion-MNIST: %d training images, %d test images%n", train.count(), test.count());

        try (NDManager manager = NDManager.newBaseManager()) {
            long trainingStart = System.nanoTime();
            FashionClassifier model = ClassifierTraining.newClassifier(FashionClassifierConfig.fashionMnist(), config, manager);
            ClassifierTraining.train(model, config, train, new ProgressReporter("classifier", out));
            Duration training = Duration.ofNanos(System.nanoTime() - trainingStart);

            ClassifierOutputs testOutputs = ClassifierOutputs.of(model, test);
            double accuracy = testOutputs.accuracy(test.labels());
            ClassifierTraining.Checkpoint checkpoint = ClassifierTraining.saveCheckpoint(model, FashionMnist.CLASS_NAMES,
                    config.steps(), Map.of(ClassifierTraining.TEST_ACCURACY, accuracy));
            ReferenceStats reference = ReferenceStats.of(testOutputs.features(), checkpoint.manifest().weightsSha256());
            ClassifierFolder.write(outDir, checkpoint, reference);
            out.printf("classifier: %d parameters, test accuracy %.4f (%d images); trained in %s%n", model.parameterCount(),
                    accuracy, test.count(), training.withNanos(0));

            double[][] real = ClassifierOutputs.of(model, train.subset(test.count())).features();
            PrecisionRecall pr = reference.precisionRecall(real);
            out.printf("floor, %d real training images against the test reference: FID %.4f, precision %.4f, recall %.4f%n",
                    real.length, reference.fid(real), pr.precision(), pr.recall());
        }
        out.printf("done in %s; files in %s%n", Duration.ofNanos(System.nanoTime() - start).withNanos(0), outDir);
    }
}
