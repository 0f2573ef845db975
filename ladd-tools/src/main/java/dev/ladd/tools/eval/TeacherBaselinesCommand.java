package dev.ladd.tools.eval;

import ai.djl.pytorch.jni.JniUtils;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.eval.BaselinesFile;
import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.ModelScore;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code baselines} command: a teacher folder's baselines at the quick and the full pass's sample counts,
 * measured the way eval-service measures them ({@link OfflineBench}), written as a {@link BaselinesFile} into the
 * teacher's folder (the service imports it at start) and printed — the table, then the file itself, so that the
 * file holds only numbers the command printed.
 *
 * @param sampleCounts the evaluation-set sizes, each measured on its own (quick first)
 */
record TeacherBaselinesCommand(Path teacherDir, Path classifierDir, List<Integer> sampleCounts, List<Integer> teacherSteps,
                               double cfgScale, int warmup, int repeats, Path out) {

    static final String FILE_NAME = "baselines.json";

    TeacherBaselinesCommand {
        if (!out.toAbsolutePath().normalize().getParent().equals(teacherDir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must be in the teacher's folder " + teacherDir
                    + " (the file names the teacher's files beside it), got " + out);
        }
    }

    /** Measures, writes the file, prints the table and the file to {@code printed}; returns the file. */
    BaselinesFile run(PrintStream printed, PrintStream progress) throws IOException {
        Instant date = Instant.now();
        long start = System.nanoTime();
        List<Measurement.Target> targets = new ArrayList<>();
        for (int samples : sampleCounts) {
            for (int steps : teacherSteps) {
                targets.add(Measurement.Target.teacher(steps, cfgScale, samples));
            }
        }
        List<ModelScore> scores;
        try (OfflineBench bench = new OfflineBench(teacherDir, classifierDir, warmup, repeats)) {
            scores = bench.measure("teacher " + teacherDir, targets, bench::teacherPipeline, progress);
        }
        long wallSeconds = Math.round((System.nanoTime() - start) / 1e9);

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("command", command());
        provenance.put("date", date.truncatedTo(ChronoUnit.SECONDS).toString());
        provenance.put("wallSeconds", wallSeconds);
        provenance.put("libtorchThreads", JniUtils.getNumThreads());
        provenance.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        provenance.put("timing", new SpeedMeter(warmup, repeats).describe() + ", sampling + decoding, batch 1 and "
                + SpeedMeter.LARGE_BATCH);
        BaselinesFile file = new BaselinesFile(BaselinesFile.FORMAT,
                new BaselinesFile.Teacher("teacher.safetensors", sha256(teacherDir.resolve("teacher.safetensors")),
                        "autoencoder.safetensors", sha256(teacherDir.resolve("autoencoder.safetensors"))),
                new BaselinesFile.Classifier(CheckpointManifests.read(classifierDir.resolve(ClassifierFolder.MANIFEST))
                        .weightsSha256()),
                new BaselinesFile.EvaluationSet("prompt i names Fashion-MNIST class i mod 10 in a phrasing drawn from "
                        + "java.util.Random(" + SampleScorer.FIRST_SEED + ") (SampleScorer.evaluationPrompts); the first N "
                        + "of them for a set of N", SampleScorer.FIRST_SEED),
                provenance, scores.stream().map(BaselinesFile.Entry::of).toList());
        List<String> problems = file.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the measured baselines cannot be shipped: " + String.join("; ", problems));
        }
        byte[] json = file.toJson();
        Files.write(out, json);

        List<TeacherStudentReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            rows.add(new TeacherStudentReport.Row(targets.get(i).label() + " n=" + targets.get(i).samples(), scores.get(i)));
        }
        printed.print(TeacherStudentReport.table(rows));
        printed.printf("%nwrote %s (%d s):%n%s%n", out, wallSeconds, new String(json, java.nio.charset.StandardCharsets.UTF_8));
        progress.printf("done in %s%n", Duration.ofSeconds(wallSeconds));
        return file;
    }

    /** The command with every option it used, defaults included. */
    String command() {
        return "java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=" + JniUtils.getNumThreads()
                + " -jar ladd-tools.jar baselines --teacher=" + teacherDir + " --classifier=" + classifierDir
                + " --samples=" + sampleCounts.get(sampleCounts.size() - 1)
                + (sampleCounts.size() > 1 ? " --quick-samples=" + sampleCounts.get(0) : "")
                + " --teacher-steps=" + teacherSteps.stream().map(String::valueOf).collect(Collectors.joining(","))
                + " --cfg=" + cfgScale + " --warmup=" + warmup + " --repeats=" + repeats + " --out=" + out;
    }

    private static String sha256(Path file) throws IOException {
        return BlockWeights.sha256Hex(Files.readAllBytes(file));
    }
}
