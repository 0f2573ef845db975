package dev.ladd.tools.eval;

import ai.djl.ndarray.NDManager;
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
import dev.ladd.tools.FashionMnistOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * eval-service's offline jobs, run from the command line with ladd-tools' jar (moved out of the service, ADR 021):
 * <pre>
 *   java -jar ladd-tools.jar train-classifier --out=models/classifier [--steps=3500] [--batch=128] [--seed=0]
 *                                            [--learning-rate=0.002] [--data=DIR]
 * </pre>
 * {@code train-classifier} trains the {@link FashionClassifier} whose features FID, precision/recall and
 * prompt adherence are measured with, on Fashion-MNIST's training set, and writes three files:
 * {@code classifier.safetensors}, {@code classifier.json} (kind "classifier", metrics {test_accuracy}) and
 * {@code reference-test.safetensors}, the {@link ReferenceStats} of the 10,000 test images. As a floor for
 * generated images it prints the scores of 10,000 real training images against that reference.
 * <pre>
 *   java -jar ladd-tools.jar report --teacher=models/default --student=DIR[,DIR…] [--classifier=models/classifier]
 *                                  [--samples=5000] [--teacher-steps=50] [--cfg=1.5] [--warmup=1] [--repeats=5]
 *                                  [--baselines=models/default/baselines.json]
 * </pre>
 * {@code report} prints the teacher-vs-student table as markdown ({@link TeacherStudentReport}): the teacher at
 * its full step count with CFG, at 4 and 1 steps with CFG, and the student ({@code student.json/.safetensors} in
 * DIR, as {@code ladd-tools distill} writes it; several folders, comma-separated, give rows each) at 4, 2 and 1
 * steps; FID, precision, recall, adherence,
 * ms per image at batch 1 and 64, images/s and the speed-up over the teacher's full step count, all measured in
 * this one process. {@code --baselines} takes the teacher rows from the teacher's baselines file instead of
 * measuring them again (refused unless it was measured for the same teacher, classifier and evaluation set; its
 * timings are then from that file's run). Progress goes to stderr, the table to stdout.
 * <pre>
 *   java -jar ladd-tools.jar baselines --teacher=models/default [--classifier=models/classifier] [--samples=5000]
 *                                     [--quick-samples=500] [--teacher-steps=50,4,2,1] [--cfg=1.5] [--warmup=1]
 *                                     [--repeats=3] [--out=TEACHER/baselines.json]
 * </pre>
 * {@code baselines} measures the teacher's baselines at the quick and the full pass's sample counts the way the
 * service does and writes them, with the teacher's and the classifier's sha256 and how they were made, to a
 * {@link dev.ladd.ml.eval.BaselinesFile} in the teacher's folder, which eval-service imports at start
 * ({@code ladd.eval.baseline-files}); it prints the table and the file.
 */
public final class EvalCommandLine {

    public static final Set<String> COMMANDS = Set.of("train-classifier", "report", "baselines");
    public static final long DEFAULT_STEPS = 3500;
    public static final String WEIGHTS = ClassifierFolder.WEIGHTS;
    public static final String MANIFEST = ClassifierFolder.MANIFEST;
    public static final String REFERENCE = ClassifierFolder.REFERENCE;

    private final PrintStream out;
    private final PrintStream progress;

    EvalCommandLine(PrintStream out) {
        this(out, System.err);
    }

    /** @param progress where long commands say what they are doing (stderr), so that {@code out} holds only results */
    EvalCommandLine(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
    public static int run(String[] args) {
        EvalCommandLine cli = new EvalCommandLine(System.out);
        return CommandLineOptions.dispatch(args, Map.of("train-classifier", cli::trainClassifier, "report", cli::report,
                "baselines", cli::baselines));
    }

    void report(CommandLineOptions o) throws IOException {
        int samples = Math.toIntExact(o.number("samples", 5000));
        int fullSteps = Math.toIntExact(o.number("teacher-steps", 50));
        double cfg = o.decimal("cfg", 1.5);
        if (samples < 10) {
            throw new IllegalArgumentException("--samples must be at least 10 (FID needs a covariance), got " + samples);
        }
        if (fullSteps < 1 || cfg < 0) {
            throw new IllegalArgumentException("--teacher-steps must be >= 1 and --cfg >= 0, got " + fullSteps + " and " + cfg);
        }
        int warmup = Math.toIntExact(o.number("warmup", 1));
        int repeats = Math.toIntExact(o.number("repeats", 5));
        requireTiming(warmup, repeats);
        List<Path> students = java.util.Arrays.stream(o.required("student").split(",")).map(String::trim).map(Path::of).toList();
        TeacherStudentReport report = new TeacherStudentReport(Path.of(o.required("teacher")), students,
                Path.of(o.text("classifier", "models/classifier")), samples, fullSteps, cfg, warmup, repeats,
                o.has("baselines") ? Path.of(o.required("baselines")) : null);
        long start = System.nanoTime();
        List<TeacherStudentReport.Row> rows = report.measure(progress);
        out.print(report.markdown(rows));
        progress.printf("done in %s%n", Duration.ofNanos(System.nanoTime() - start).withNanos(0));
    }

    void baselines(CommandLineOptions o) throws IOException {
        Path teacherDir = Path.of(o.required("teacher"));
        int samples = Math.toIntExact(o.number("samples", 5000));
        int quickSamples = Math.toIntExact(o.number("quick-samples", 500));
        double cfg = o.decimal("cfg", 1.5);
        int warmup = Math.toIntExact(o.number("warmup", 1));
        int repeats = Math.toIntExact(o.number("repeats", 3));
        if (quickSamples < 10 || quickSamples >= samples || samples > 100_000) {
            throw new IllegalArgumentException("--quick-samples must be at least 10 and below --samples (at most 100000), got "
                    + quickSamples + " and " + samples);
        }
        List<Integer> steps = new ArrayList<>();
        for (String step : o.text("teacher-steps", "50,4,2,1").split(",")) {
            try {
                steps.add(Integer.parseInt(step.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--teacher-steps must be whole numbers separated by commas, got '"
                        + o.get("teacher-steps") + "'");
            }
        }
        if (steps.stream().anyMatch(s -> s < 1 || s > 1000) || steps.stream().distinct().count() != steps.size()) {
            throw new IllegalArgumentException("--teacher-steps must be distinct step counts from 1 to 1000, got " + steps);
        }
        if (cfg < 0 || cfg > 20) {
            throw new IllegalArgumentException("--cfg must be within [0, 20], got " + cfg);
        }
        requireTiming(warmup, repeats);
        Path file = Path.of(o.text("out", teacherDir.resolve(TeacherBaselinesCommand.FILE_NAME).toString()));
        new TeacherBaselinesCommand(teacherDir, Path.of(o.text("classifier", "models/classifier")),
                List.of(quickSamples, samples), steps, cfg, warmup, repeats, file).run(out, progress);
    }

    private static void requireTiming(int warmup, int repeats) {
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("--warmup must be >= 0 and --repeats >= 1, got " + warmup + " and " + repeats);
        }
    }

    void trainClassifier(CommandLineOptions o) throws IOException {
        Path outDir = Path.of(o.required("out"));
        ClassifierTraining.Config defaults = ClassifierTraining.Config.fashionMnist(o.number("steps", DEFAULT_STEPS),
                Math.toIntExact(o.number("batch", ClassifierTraining.DEFAULT_BATCH)), o.number("seed", 0));
        ClassifierTraining.Config config = new ClassifierTraining.Config(defaults.steps(), defaults.batchSize(),
                o.decimal("learning-rate", defaults.learningRate()), defaults.weightDecay(), defaults.seed());
        long start = System.nanoTime();

        FashionMnistOption data = FashionMnistOption.load(o, out);
        LabeledImages train = data.train();
        LabeledImages test = data.test();

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
