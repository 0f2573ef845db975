package dev.ladd.eval.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.ladd.eval.scoring.ModelScore;
import dev.ladd.eval.scoring.ModelStore;
import dev.ladd.eval.scoring.UnusableModelException;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.ladd.Student;
import dev.ladd.ml.metrics.ModelBench;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.ml.train.AutoencoderTraining;

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
 * the same evaluation set ({@link SampleScorer}) and timed by the same {@link SpeedMeter}.
 *
 * @param teacherDir    teacher.json/.safetensors and autoencoder.json/.safetensors ({@code models/default})
 * @param studentDir    student.json/.safetensors (what {@code trainer-service distill} writes)
 * @param classifierDir the metrics classifier folder ({@code models/classifier})
 * @param fullSteps     the teacher's full step count
 */
record TeacherStudentReport(Path teacherDir, Path studentDir, Path classifierDir, int samples, int fullSteps,
                            double cfgScale, SpeedMeter meter) {

    static final int[] TEACHER_FEW_STEPS = {4, 1};
    static final int[] STUDENT_STEPS = {4, 2, 1};

    /** One row: a model at a step count and its scores. */
    record Row(String model, ModelScore score) {
    }

    /** Measures every row, printing progress to {@code progress}. */
    List<Row> measure(PrintStream progress) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
             Teacher teacher = Teacher.load(Files.readAllBytes(teacherDir.resolve("teacher.safetensors")),
                     manifest(teacherDir.resolve("teacher.json")));
             Student student = Student.load(Files.readAllBytes(studentDir.resolve("student.safetensors")),
                     manifest(studentDir.resolve("student.json")))) {
            Autoencoder autoencoder = AutoencoderTraining.load(manifest(teacherDir.resolve("autoencoder.json")),
                    Files.readAllBytes(teacherDir.resolve("autoencoder.safetensors")), manager);
            autoencoder.freezeParameters(true);
            try {
                ModelStore.checkLatentSpace("the teacher", teacher.model(), autoencoder);
                ModelStore.checkLatentSpace("the student", student.model(), autoencoder);
            } catch (UnusableModelException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            try (SampleScorer scorer = new SampleScorer(classifierDir, autoencoder, samples)) {
                ModelBench bench = new ModelBench(scorer, meter, autoencoder);
                List<Integer> teacherSteps = new ArrayList<>(List.of(fullSteps));
                for (int steps : TEACHER_FEW_STEPS) {
                    if (steps != fullSteps) {
                        teacherSteps.add(steps);
                    }
                }
                for (int steps : teacherSteps) {
                    String name = "teacher@" + steps + "+CFG" + format(cfgScale);
                    rows.add(timed(progress, name, () -> ModelScore.of(ModelScore.TEACHER, steps, cfgScale,
                            bench.measure((prompts, seeds) -> teacher.sample(prompts, seeds, steps, cfgScale, 1.0)))));
                }
                for (int steps : STUDENT_STEPS) {
                    rows.add(timed(progress, "student@" + steps, () -> ModelScore.of(ModelScore.STUDENT, steps, 0,
                            bench.measure((prompts, seeds) -> student.sample(prompts, seeds, steps)))));
                }
            }
        }
        return rows;
    }

    /** The rows as a markdown table, speed-ups relative to the first row (the teacher at its full step count). */
    String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        ModelScore full = rows.get(0).score();
        md.append(String.format(Locale.ROOT, "Evaluation set: %d prompts balanced over the 10 classes, seeds %d…; "
                        + "ms/image = median of %s, sampling + decoding, one process, %d libtorch threads.%n%n",
                samples, SampleScorer.FIRST_SEED, meter.describe(), JniUtils.getNumThreads()));
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

    private interface Measurement {
        ModelScore run();
    }

    private static Row timed(PrintStream progress, String name, Measurement measurement) {
        long start = System.nanoTime();
        progress.printf("measuring %s …%n", name);
        ModelScore score = measurement.run();
        progress.printf("%s: FID %.2f, %.2f ms/image (b1) (%.0f s)%n", name, score.fid(), score.msPerImageBatch1(),
                (System.nanoTime() - start) / 1e9);
        return new Row(name, score);
    }

    private static CheckpointManifest manifest(Path file) throws IOException {
        return CheckpointManifests.read(file);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
