package dev.ladd.tools.eval;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.eval.BaselinesFile;
import dev.ladd.ml.metrics.ClassifierOutputs;
import dev.ladd.ml.metrics.ReferenceStats;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FashionClassifier;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.ml.testing.TinyModels;
import dev.ladd.ml.train.ClassifierTraining;
import dev.ladd.platform.cli.CommandLineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

class EvalCommandLineTest {

    /** A Fashion-MNIST-shaped folder (IDX files, 28×28) holding TinyDataset's shapes. */
    static Path writeDataset(Path dir, int trainCount, int testCount) throws IOException {
        writeSplit(dir, FashionMnist.Split.TRAIN, TinyDataset.generate(trainCount, 1));
        writeSplit(dir, FashionMnist.Split.TEST, TinyDataset.generate(testCount, 2));
        return dir;
    }

    private static void writeSplit(Path dir, FashionMnist.Split split, LabeledImages images) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(pixels);
        out.writeInt(0x803);
        out.writeInt(images.count());
        out.writeInt(images.height());
        out.writeInt(images.width());
        out.write(images.pixels());
        Files.write(dir.resolve(split.imagesFile()), pixels.toByteArray());
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        out = new DataOutputStream(labels);
        out.writeInt(0x801);
        out.writeInt(images.count());
        for (int label : images.labels()) {
            out.writeByte(label);
        }
        Files.write(dir.resolve(split.labelsFile()), labels.toByteArray());
    }

    @Test
    void trainClassifierWritesTheClassifierItsManifestAndTheReferenceStatistics(@TempDir Path tmp) throws Exception {
        Path data = writeDataset(Files.createDirectories(tmp.resolve("data")), 64, 40);
        Path outDir = tmp.resolve("classifier");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new EvalCommandLine(new PrintStream(printed, true, StandardCharsets.UTF_8)).trainClassifier(CommandLineOptions.parse(
                new String[]{"train-classifier", "--out=" + outDir, "--data=" + data, "--steps=3", "--batch=8", "--seed=1"}));

        CheckpointManifest manifest = CheckpointManifests.read(outDir.resolve(EvalCommandLine.MANIFEST));
        byte[] weights = Files.readAllBytes(outDir.resolve(EvalCommandLine.WEIGHTS));
        ReferenceStats reference = ReferenceStats.fromSafetensors(Files.readAllBytes(outDir.resolve(EvalCommandLine.REFERENCE)));
        assertThat(manifest.kind()).isEqualTo("classifier");
        assertThat(manifest.step()).isEqualTo(3);
        assertThat(manifest.vocabulary()).isEqualTo(FashionMnist.CLASS_NAMES);
        assertThat(manifest.metrics()).containsOnlyKeys("test_accuracy");
        assertThat(reference.classifierSha256()).isEqualTo(manifest.weightsSha256());
        assertThat(reference.gaussian().count()).isEqualTo(40);
        try (NDManager manager = NDManager.newBaseManager()) {
            FashionClassifier classifier = ClassifierTraining.load(manifest, weights, manager);
            LabeledImages test = TinyDataset.generate(40, 2).paddedTo32();
            assertThat(ClassifierOutputs.of(classifier, test).accuracy(test.labels()))
                    .isEqualTo(manifest.metrics().get("test_accuracy"));
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("test accuracy", "FID", "precision", "recall");
    }

    @Test
    void reportPrintsTheTeacherAgainstTheStudentAsAMarkdownTableMeasuredInOneProcess(@TempDir Path tmp) throws Exception {
        Path teacherDir = tmp.resolve("teacher");
        Path studentDir = tmp.resolve("student");
        TinyModels.folders(teacherDir, studentDir, 61);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        new EvalCommandLine(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).report(CommandLineOptions.parse(new String[]{
                "report", "--teacher=" + teacherDir, "--student=" + studentDir, "--classifier=" + TinyModels.classifierDir(),
                "--samples=20", "--teacher-steps=3", "--warmup=0", "--repeats=1"}));

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> rows = lines.stream().filter(l -> l.startsWith("| ") && !l.startsWith("| model")).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("| model | FID | precision | recall | adherence"));
        assertThat(rows).extracting(r -> cells(r)[0]).containsExactly("teacher@3+CFG1.5", "teacher@4+CFG1.5",
                "teacher@1+CFG1.5", "student@4", "student@2", "student@1");
        assertThat(cells(rows.get(0))[8]).isEqualTo("1.0×");
        // the student's row holds the scores of the student in the folder on the evaluation set, recomputed here
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(CheckpointManifests.read(teacherDir.resolve("autoencoder.json")),
                    Files.readAllBytes(teacherDir.resolve("autoencoder.safetensors")), manager);
            try (SampleScorer scorer = new SampleScorer(TinyModels.classifierDir(), autoencoder, 20);
                 FlowModel student = FlowModelCheckpoint.load(Files.readAllBytes(studentDir.resolve("student.safetensors")),
                         CheckpointManifests.read(studentDir.resolve("student.json")), FlowModel.Role.STUDENT)) {
                SampleScorer.Score twoSteps = scorer.score(Pipeline.latentsOnly(student, student.studentSampler(2)).latents(scorer.prompts(), scorer.seeds()));
                String[] row = cells(rows.get(4));
                assertThat(row[1]).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", twoSteps.fid()));
                assertThat(row[2]).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", twoSteps.precision()));
                assertThat(row[4]).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", twoSteps.adherence()));
            }
        }
        for (String row : rows) {
            String[] c = cells(row);
            double b1 = Double.parseDouble(c[5]);
            double speedUp = Double.parseDouble(c[8].replace("×", ""));
            assertThat(b1).isPositive();
            assertThat(speedUp).isCloseTo(Double.parseDouble(cells(rows.get(0))[5]) / b1, within(0.05 + 0.01 * speedUp));
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("measuring student@1");
    }

    @Test
    void reportScoresSeveralStudentsAndTakesTheTeacherRowsFromItsBaselinesFileOnlyWhenTheyAreThisTeachers(@TempDir Path tmp)
            throws Exception {
        Path teacherDir = tmp.resolve("teacher");
        TinyModels.folders(teacherDir, tmp.resolve("a"), 65);
        TinyModels.folders(tmp.resolve("other-teacher"), tmp.resolve("b"), 66);
        EvalCommandLine quiet = new EvalCommandLine(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        quiet.baselines(CommandLineOptions.parse(new String[]{"baselines", "--teacher=" + teacherDir,
                "--classifier=" + TinyModels.classifierDir(), "--samples=20", "--quick-samples=10", "--teacher-steps=3,4,1",
                "--warmup=0", "--repeats=1"}));
        BaselinesFile file = BaselinesFile.read(Files.readAllBytes(teacherDir.resolve("baselines.json")));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new EvalCommandLine(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).report(CommandLineOptions.parse(
                new String[]{"report", "--teacher=" + teacherDir, "--student=" + tmp.resolve("a") + "," + tmp.resolve("b"),
                        "--classifier=" + TinyModels.classifierDir(), "--samples=20", "--teacher-steps=3", "--warmup=0",
                        "--repeats=1", "--baselines=" + teacherDir.resolve("baselines.json")}));

        List<String> rows = printed.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| model")).toList();
        assertThat(rows).extracting(r -> cells(r)[0]).containsExactly("teacher@3+CFG1.5 (baselines.json)",
                "teacher@4+CFG1.5 (baselines.json)", "teacher@1+CFG1.5 (baselines.json)", "a student@4", "a student@2",
                "a student@1", "b student@4", "b student@2", "b student@1");
        BaselinesFile.Entry threeSteps = file.baselines().stream().filter(e -> e.samples() == 20 && e.steps() == 3)
                .findFirst().orElseThrow();
        assertThat(cells(rows.get(0))[1]).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", threeSteps.fid()));

        // another teacher's file cannot stand in for this one's rows
        Path otherTeacher = tmp.resolve("other-teacher");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> quiet.report(CommandLineOptions.parse(new String[]{"report",
                        "--teacher=" + otherTeacher, "--student=" + tmp.resolve("b"), "--classifier=" + TinyModels.classifierDir(),
                        "--samples=20", "--teacher-steps=3", "--baselines=" + teacherDir.resolve("baselines.json")})))
                .hasMessageContaining("cannot stand in for the teacher: it was measured for teacher " + file.teacher().weightsSha256());
    }

    @Test
    void baselinesWritesTheTeachersBaselinesAtBothSampleCountsAsAFileItAlsoPrints(@TempDir Path tmp) throws Exception {
        Path teacherDir = tmp.resolve("teacher");
        TinyModels.folders(teacherDir, tmp.resolve("student"), 63);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        new EvalCommandLine(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).baselines(CommandLineOptions.parse(new String[]{
                "baselines", "--teacher=" + teacherDir, "--classifier=" + TinyModels.classifierDir(), "--samples=130",
                "--quick-samples=20", "--teacher-steps=3,1", "--warmup=0", "--repeats=1"}));

        Path written = teacherDir.resolve("baselines.json");
        BaselinesFile file = BaselinesFile.read(Files.readAllBytes(written));
        assertThat(file.problems()).isEmpty();
        assertThat(file.teacher().weightsSha256())
                .isEqualTo(BlockWeights.sha256Hex(Files.readAllBytes(teacherDir.resolve("teacher.safetensors"))));
        assertThat(file.teacher().autoencoderWeightsSha256())
                .isEqualTo(BlockWeights.sha256Hex(Files.readAllBytes(teacherDir.resolve("autoencoder.safetensors"))));
        assertThat(file.classifier().weightsSha256()).isEqualTo(CheckpointManifests.read(
                TinyModels.classifierDir().resolve(EvalCommandLine.MANIFEST)).weightsSha256());
        assertThat((String) file.provenance().get("command")).contains(" baselines --teacher=" + teacherDir,
                "--samples=130 --quick-samples=20 --teacher-steps=3,1 --cfg=1.5 --warmup=0 --repeats=1");
        assertThat(file.baselines()).extracting(BaselinesFile.Entry::samples, BaselinesFile.Entry::steps)
                .containsExactly(tuple(20, 3), tuple(20, 1), tuple(130, 3), tuple(130, 1));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("| teacher@3+CFG1.5 n=130 |", "wrote " + written)
                .as("the file holds only what was printed").contains(Files.readString(written));
        // the numbers are the teacher's on the evaluation set, recomputed here in one call
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(CheckpointManifests.read(teacherDir.resolve("autoencoder.json")),
                    Files.readAllBytes(teacherDir.resolve("autoencoder.safetensors")), manager);
            try (SampleScorer scorer = new SampleScorer(TinyModels.classifierDir(), autoencoder, 130);
                 FlowModel teacher = FlowModelCheckpoint.load(Files.readAllBytes(teacherDir.resolve("teacher.safetensors")),
                         CheckpointManifests.read(teacherDir.resolve("teacher.json")), FlowModel.Role.TEACHER)) {
                SampleScorer.Score expected = scorer.score(Pipeline.latentsOnly(teacher, new EulerSampler(1, 1.5, 1.0)).latents(scorer.prompts(), scorer.seeds()));
                BaselinesFile.Entry atOne = file.baselines().get(3);
                assertThat(atOne.fid()).isCloseTo(expected.fid(), within(1e-6 * Math.max(1, expected.fid())));
                assertThat(atOne.precision()).isEqualTo(expected.precision());
                assertThat(atOne.adherence()).isEqualTo(expected.adherence());
            }
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("teacher@1+CFG1.5 over 130 samples: FID", "ETA");
    }

    private static String[] cells(String row) {
        return java.util.Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim)
                .toArray(String[]::new);
    }

    @Test
    void badArgumentsExitWithTwo(@TempDir Path tmp) {
        assertThat(EvalCommandLine.run(new String[]{"train-classifier"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "--out=" + tmp, "--steps=many"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "--out=" + tmp, "--batch=0"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"train-classifier", "out"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"report", "--teacher=" + tmp})).as("no student").isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"report", "--teacher=" + tmp, "--student=" + tmp, "--samples=5"}))
                .isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"report", "--teacher=" + tmp, "--student=" + tmp, "--repeats=0"}))
                .isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"report", "--teacher=" + tmp, "--student=" + tmp}))
                .as("no model files there").isEqualTo(1);
        assertThat(EvalCommandLine.run(new String[]{"baselines", "--teacher=" + tmp, "--samples=500", "--quick-samples=500"}))
                .as("the quick set must be smaller").isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"baselines", "--teacher=" + tmp, "--teacher-steps=50,x"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"baselines", "--teacher=" + tmp, "--cfg=30"})).isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"baselines", "--teacher=" + tmp, "--out=/tmp/elsewhere/baselines.json"}))
                .as("the file names the files beside it").isEqualTo(2);
        assertThat(EvalCommandLine.run(new String[]{"baselines", "--teacher=" + tmp})).as("no teacher there").isEqualTo(1);
    }
}
