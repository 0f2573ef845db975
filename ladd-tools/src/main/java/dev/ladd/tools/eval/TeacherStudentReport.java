package dev.ladd.tools.eval;

import ai.djl.pytorch.jni.JniUtils;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.eval.BaselinesFile;
import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.ModelScore;
import dev.ladd.ml.metrics.ClassifierFolder;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.pipeline.FlowModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The teacher-vs-student table, measured in one process so that every speed is comparable: the teacher at its
 * full step count with CFG, at 4 and at 1 Euler steps with CFG, and the student at 4, 2 and 1 steps, all on
 * the same evaluation set and measured the way eval-service scores ({@link OfflineBench}).
 *
 * @param teacherDir    teacher.json/.safetensors and autoencoder.json/.safetensors ({@code models/default})
 * @param studentDirs   folders of student.json/.safetensors (what {@code ladd-tools distill} writes); with several,
 *                      each row names its folder
 * @param classifierDir the metrics classifier folder ({@code models/classifier})
 * @param fullSteps     the teacher's full step count
 * @param baselines     a {@link BaselinesFile} of this teacher and classifier whose rows stand in for measuring the
 *                      teacher again (marked so in the table); {@code null} measures the teacher here
 */
record TeacherStudentReport(Path teacherDir, List<Path> studentDirs, Path classifierDir, int samples, int fullSteps,
                            double cfgScale, int warmup, int repeats, Path baselines) {

    static final int[] TEACHER_FEW_STEPS = {4, 1};
    static final int[] STUDENT_STEPS = {4, 2, 1};

    /** One row: a model at a step count and its scores. */
    record Row(String model, ModelScore score) {
    }

    /** Measures every row, printing progress to {@code progress}. */
    List<Row> measure(PrintStream progress) throws IOException {
        List<Measurement.Target> teacherTargets = new ArrayList<>();
        teacherTargets.add(Measurement.Target.teacher(fullSteps, cfgScale, samples));
        for (int steps : TEACHER_FEW_STEPS) {
            if (steps != fullSteps) {
                teacherTargets.add(Measurement.Target.teacher(steps, cfgScale, samples));
            }
        }
        List<Row> rows = new ArrayList<>();
        try (OfflineBench bench = new OfflineBench(teacherDir, classifierDir, warmup, repeats)) {
            if (baselines != null) {
                rows.addAll(fromBaselines(teacherTargets));
            } else {
                List<ModelScore> scores = bench.measure("the report", teacherTargets, bench::teacherPipeline, progress);
                for (int i = 0; i < teacherTargets.size(); i++) {
                    rows.add(new Row(teacherTargets.get(i).label(), scores.get(i)));
                }
            }
            for (Path studentDir : studentDirs) {
                List<Measurement.Target> targets = new ArrayList<>();
                for (int steps : STUDENT_STEPS) {
                    targets.add(Measurement.Target.student(steps, samples));
                }
                try (FlowModel student = FlowModelCheckpoint.load(studentDir, FlowModel.Role.STUDENT)) {
                    bench.requireDecodes("the student", student.network());
                    List<ModelScore> scores = bench.measure("the report", targets, t -> bench.pipeline(student, t), progress);
                    String prefix = studentDirs.size() > 1 ? studentDir.getFileName() + " " : "";
                    for (int i = 0; i < targets.size(); i++) {
                        rows.add(new Row(prefix + targets.get(i).label(), scores.get(i)));
                    }
                }
            }
            return rows;
        }
    }

    /** The teacher rows read from the baselines file, refused unless it was measured for this teacher and classifier. */
    private List<Row> fromBaselines(List<Measurement.Target> targets) throws IOException {
        BaselinesFile file = BaselinesFile.read(Files.readAllBytes(baselines));
        List<String> problems = new ArrayList<>(file.problems());
        String teacherSha = BlockWeights.sha256Hex(Files.readAllBytes(teacherDir.resolve("teacher.safetensors")));
        String classifierSha = BlockWeights.sha256Hex(Files.readAllBytes(classifierDir.resolve(ClassifierFolder.WEIGHTS)));
        if (problems.isEmpty() && !file.teacher().weightsSha256().equals(teacherSha)) {
            problems.add("it was measured for teacher " + file.teacher().weightsSha256() + ", not " + teacherSha);
        }
        if (problems.isEmpty() && !file.classifier().weightsSha256().equals(classifierSha)) {
            problems.add("it was measured with classifier " + file.classifier().weightsSha256() + ", not " + classifierSha);
        }
        if (problems.isEmpty() && file.evaluationSet().firstSeed() != SampleScorer.FIRST_SEED) {
            problems.add("its evaluation seeds start at " + file.evaluationSet().firstSeed() + ", not " + SampleScorer.FIRST_SEED);
        }
        List<Row> rows = new ArrayList<>();
        for (Measurement.Target target : targets) {
            file.baselines().stream()
                    .filter(e -> e.samples() == target.samples() && e.steps() == target.steps()
                            && Math.abs(e.cfgScale() - target.cfgScale()) < 1e-9)
                    .findFirst()
                    .ifPresentOrElse(e -> rows.add(new Row(target.label() + " (" + baselines.getFileName() + ")", e.score())),
                            () -> problems.add("it has no row for " + target.label() + " over " + target.samples() + " samples"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--baselines=" + baselines + " cannot stand in for the teacher: "
                    + String.join("; ", problems));
        }
        return rows;
    }

    /** The rows as a markdown table, speed-ups relative to the first row (the teacher at its full step count). */
    String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Evaluation set: %d prompts balanced over the 10 classes, seeds %d…; "
                        + "ms/image = median of %s, sampling + decoding, one process, %d libtorch threads.%n%n",
                samples, SampleScorer.FIRST_SEED, new SpeedMeter(warmup, repeats).describe(), JniUtils.getNumThreads()));
        md.append(table(rows));
        return md.toString();
    }

    /** The markdown table of rows; speed-ups relative to the first row. */
    static String table(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        ModelScore full = rows.get(0).score();
        md.append("| model | FID | precision | recall | adherence | ms/image (b1) | ms/image (b64) | images/s "
                + "| speed-up (b1) | speed-up (b64) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            ModelScore s = row.score();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.3f | %.3f | %.3f | %.2f | %.3f | %.1f | %.1f× | %.1f× |%n",
                    row.model(), s.fid(), s.precision(), s.recall(), s.adherence(), s.msPerImageBatch1(),
                    s.msPerImageBatch64(), s.imagesPerSecond(), s.speedUpBatch1Over(full), s.speedUpBatch64Over(full)));
        }
        return md.toString();
    }
}
