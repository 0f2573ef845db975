package dev.ladd.tools.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.ClassGrid;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.diffusion.StudentSampler;
import dev.ladd.ml.ladd.HeadProbe;
import dev.ladd.ml.ladd.LaddBatch;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.ladd.LaddStepMetrics;
import dev.ladd.ml.ladd.LaddTraining;
import dev.ladd.ml.ladd.RealLatents;
import dev.ladd.ml.ladd.ShardSampler;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.tools.FashionMnistOption;
import dev.ladd.ml.train.TeacherTraining;
import dev.ladd.platform.cli.CommandLineOptions;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * trainer commands of ladd-tools (docs/adr/021):
 * <pre>
 *   java -jar ladd-tools.jar distill --teacher=models/default --out=DIR [--iterations=300]
 *        [--samples=2048] [--sampler-steps=50] [--cfg=1.5] [--config='{"renoiseMean":0.0,…}'] [--grid-every=100]
 *        [--score=models/classifier] [--score-samples=1000] [--sampler-eta=1,0]
 * </pre>
 * {@code distill} runs LADD in one process without the platform: it samples (or reuses, from DIR) synthetic
 * teacher latents, trains the student, prints every iteration's losses and D(real) − D(fake), and writes
 * sample grids (rows: the 10 classes; columns: 8 seeds) of the teacher at 4 Euler steps and at the full step
 * count with CFG, and of the student at 1, 2 and 4 steps, for the same prompts and seeds; and the student.
 * Batches are drawn as trainer-service's runs draw them ({@link ShardSampler}: the synthetic set read in a
 * shuffled order per epoch, from the config's seed). {@code --config} is JSON of {@link LaddConfig} fields that
 * replace the paper's defaults. With {@code --score},
 * the teacher (full step count with CFG, 4 and 1 steps with CFG) and, at every grid, the student (1, 2, 4 steps)
 * are scored on the same evaluation prompts and seeds ({@link SampleScorer}: FID, precision, recall, adherence).
 * The student is drawn with the config's {@code samplerEta}; {@code --sampler-eta} compares several instead.
 * <pre>
 *   java -jar ladd-tools.jar bench --teacher=models/default [--iterations=30] [--warmup=5] [--config=…]
 * </pre>
 * {@code bench} measures, in one process on the same batches' shape: ms per LADD iteration (student update +
 * head update) of the given config and ms per teacher training step at the same batch size, and prints
 * their ratio.
 * <pre>
 *   java -jar ladd-tools.jar probe-heads --teacher=models/default --out=DIR [--samples=16384] [--sampler-steps=8]
 *        [--config=RUN_JSON] [--student-iterations=50] [--head-iterations=300] [--holdout=1024] [--bins=5]
 *        [--variants='{"name":{…head settings…},…}']
 * </pre>
 * {@code probe-heads} is LADD's diagnostic ({@link HeadProbe}, docs/adr/022): it trains a student for
 * {@code --student-iterations} with the run config, freezes it, then for every variant (LaddConfig overrides on
 * the run config; the run config itself when none) trains fresh heads alone for {@code --head-iterations} on
 * the synthetic set less its last {@code --holdout} samples, and measures their accuracy on those held-out
 * samples per t̂ bin and per block. It prints a markdown table and writes {@code probe.json}, {@code probe.svg}
 * (the heads' mean per variant) and {@code probe-<variant>.svg} (per block) to DIR.
 */
public final class TrainerCommandLine {

    public static final Set<String> COMMANDS = Set.of("distill", "bench", "probe-heads");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int GRID_SEEDS = 8;

    private final PrintStream out;

    TrainerCommandLine(PrintStream out) {
        this.out = out;
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
    public static int run(String[] args) {
        TrainerCommandLine cli = new TrainerCommandLine(System.out);
        return CommandLineOptions.dispatch(args, Map.of("distill", cli::distill, "bench", cli::bench,
                "probe-heads", cli::probeHeads));
    }

    void distill(CommandLineOptions o) throws IOException {
        Path teacherDir = Path.of(o.required("teacher"));
        Path outDir = Path.of(o.required("out"));
        long iterations = o.number("iterations", 300);
        int samples = Math.toIntExact(o.number("samples", 2048));
        int samplerSteps = Math.toIntExact(o.number("sampler-steps", 50));
        double cfg = o.decimal("cfg", 1.5);
        long gridEvery = o.number("grid-every", 100);
        LaddConfig config = withOverrides(LaddConfig.paper(), o.text("config", "{}"));
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));

        try (NDManager manager = NDManager.newBaseManager();
             FlowModel teacher = FlowModelCheckpoint.load(teacherDir, FlowModel.Role.TEACHER)) {
            CheckpointManifest teacherManifest = teacher.manifest();
            Autoencoder autoencoder = AutoencoderCheckpoint.load(teacherDir, manager);
            LatentShard data = syntheticData(teacher, outDir, samples, samplerSteps, cfg);
            Grids grids = new Grids(autoencoder, outDir);
            grids.write("teacher-" + samplerSteps + "steps-cfg" + cfg,
                    teacherPipeline(teacher, samplerSteps, cfg).latents(grids.grid.prompts(), grids.grid.seeds()));
            grids.write("teacher-4steps-cfg" + cfg, teacherPipeline(teacher, 4, cfg).latents(grids.grid.prompts(), grids.grid.seeds()));
            SampleScorer scorer = o.has("score") ? new SampleScorer(Path.of(o.required("score")), autoencoder,
                    Math.toIntExact(o.number("score-samples", 1000))) : null;
            if (scorer != null) {
                for (int steps : new int[]{samplerSteps, 4, 1}) {
                    report("teacher@" + steps + "+CFG" + cfg, scorer.score(
                            teacherPipeline(teacher, steps, cfg).latents(scorer.prompts(), scorer.seeds())));
                }
            }

            LaddTraining training = LaddTraining.fromTeacher(teacher.network(), teacher.tokenizer(), config, manager);
            List<Double> etas = o.has("sampler-eta") ? decimals(o.required("sampler-eta")) : List.of(config.samplerEta());
            if (scorer != null) {   // iteration 0: the teacher's weights under the student's sampler
                writeStudentGrids(training, teacher, grids, scorer, manager, 0, etas);
            }
            ShardSampler sampler = ShardSampler.inMemory(data.count(), config.batchSize(), config.seed());
            LatentShard real = config.discriminatorData() == LaddConfig.DiscriminatorData.REAL
                    ? RealLatents.encode(autoencoder, FashionMnistOption.load(o, out).train(), manager) : null;
            ShardSampler realSampler = real == null ? null : RealLatents.sampler(config, real.count());
            long started = System.nanoTime();
            while (training.iteration() < iterations) {
                LaddStepMetrics m = training.step(manager, sampler.batch(training.iteration(), data),
                        real == null ? null : realSampler.batch(training.iteration(), real));
                out.printf("iter %5d  L_G %.4f  L_D %.4f  D(real) %+.3f  D(fake) %+.3f  margin %+.3f  mse %.4f"
                                + "  |g_s| %.3f  |g_h| %.3f  %.0f ms%n", m.iteration(), m.studentLoss(),
                        m.discriminatorLoss(), m.dReal(), m.dFake(), m.realMinusFake(), m.distillation(),
                        m.studentGradNorm(), m.headGradNorm(), m.millis());
                if (m.iteration() % gridEvery == 0 || m.iteration() == iterations) {
                    writeStudentGrids(training, teacher, grids, scorer, manager, m.iteration(), etas);
                }
            }
            out.printf("%d iterations in %.1f s%n", iterations, (System.nanoTime() - started) / 1e9);
            // offline there is no registry id: the parent is the teacher checkpoint itself, by its weights' sha256
            Checkpoint checkpoint = FlowModelCheckpoint.student(training.publishedWeights(), teacherManifest,
                    teacherManifest.weightsSha256(), "distill", training.iteration(), Map.of(), config.samplerEta());
            Files.write(outDir.resolve("student.safetensors"), checkpoint.weights());
            Files.write(outDir.resolve("student.json"), checkpoint.manifestJson());
        }
    }

    void probeHeads(CommandLineOptions o) throws IOException {
        Path teacherDir = Path.of(o.required("teacher"));
        Path outDir = Path.of(o.required("out"));
        int samples = Math.toIntExact(o.number("samples", 16384));
        int samplerSteps = Math.toIntExact(o.number("sampler-steps", 8));
        double cfg = o.decimal("cfg", 1.5);
        long studentIterations = o.number("student-iterations", 50);
        long headIterations = o.number("head-iterations", 300);
        int holdout = Math.toIntExact(o.number("holdout", 1024));
        int bins = Math.toIntExact(o.number("bins", 5));
        LaddConfig config = withOverrides(LaddConfig.paper(), o.text("config", "{}"));
        Map<String, Object> variants = JSON.readValue(o.text("variants", "{\"run config\":{}}"), Map.class);
        if (holdout < config.batchSize() || holdout >= samples) {
            throw new IllegalArgumentException("--holdout must lie in [batch size, samples), got " + holdout);
        }
        Files.createDirectories(outDir);
        try (NDManager manager = NDManager.newBaseManager();
             FlowModel teacher = FlowModelCheckpoint.load(teacherDir, FlowModel.Role.TEACHER)) {
            LatentShard data = syntheticData(teacher, outDir, samples, samplerSteps, cfg);
            int training = samples - holdout;
            LaddTraining run = LaddTraining.fromTeacher(teacher.network(), teacher.tokenizer(), config, manager);
            ShardSampler sampler = ShardSampler.inMemory(training, config.batchSize(), config.seed());
            while (run.iteration() < studentIterations) {
                LaddStepMetrics m = run.step(manager, sampler.batch(run.iteration(), data));
                out.printf("student iter %4d  margin %+.3f  mse %.4f%n", m.iteration(), m.realMinusFake(), m.distillation());
            }
            List<AccuracyPlot.Series> means = new ArrayList<>();
            Map<String, Object> results = new LinkedHashMap<>();
            StringBuilder table = new StringBuilder("| variant | head | ");
            for (int k = 0; k < bins; k++) {
                table.append(String.format(java.util.Locale.ROOT, "t̂ %.1f–%.1f | ", (double) k / bins, (k + 1.0) / bins));
            }
            table.append("\n|---|---|").append("---:|".repeat(bins)).append("\n");
            for (Map.Entry<String, Object> variant : variants.entrySet()) {
                LaddConfig headConfig = withOverrides(config, JSON.writeValueAsString(variant.getValue()));
                HeadProbe probe = HeadProbe.of(run, headConfig, manager);
                ShardSampler headBatches = ShardSampler.inMemory(training, headConfig.batchSize(), headConfig.seed() + 1);
                long started = System.nanoTime();
                for (long i = 0; i < headIterations; i++) {
                    double margin = probe.trainHeads(manager, headBatches.batch(i, data));
                    if ((i + 1) % 50 == 0) {
                        out.printf("%s: head iter %4d  margin %+.3f%n", variant.getKey(), i + 1, margin);
                    }
                }
                int perBatch = headConfig.batchSize();
                int batches = holdout / perBatch;
                int[] blocks = LaddTraining.featureBlocks(headConfig, teacher.network().config().denoiser());
                double[][] accuracy = new double[bins][blocks.length + 1];
                for (int j = 0; j < batches; j++) {
                    List<Integer> indices = new ArrayList<>();
                    for (int i = 0; i < perBatch; i++) {
                        indices.add(training + j * perBatch + i);
                    }
                    double[][] one = probe.accuracy(manager, LaddBatch.gather(java.util.Collections.nCopies(perBatch, data),
                            indices), bins, 7L + j);
                    for (int k = 0; k < bins; k++) {
                        for (int h = 0; h <= blocks.length; h++) {
                            accuracy[k][h] += one[k][h] / batches;
                        }
                    }
                }
                out.printf("%s: %d head updates in %.1f s%n", variant.getKey(), headIterations, (System.nanoTime() - started) / 1e9);
                List<AccuracyPlot.Series> perBlock = new ArrayList<>();
                for (int h = 0; h <= blocks.length; h++) {
                    double[] line = new double[bins];
                    for (int k = 0; k < bins; k++) {
                        line[k] = accuracy[k][h];
                    }
                    String head = h < blocks.length ? "block " + blocks[h] : "mean of heads";
                    perBlock.add(new AccuracyPlot.Series(head, line));
                    table.append("| ").append(variant.getKey()).append(" | ").append(head).append(" | ");
                    for (double a : line) {
                        table.append(String.format(java.util.Locale.ROOT, "%.3f | ", a));
                    }
                    table.append("\n");
                }
                means.add(new AccuracyPlot.Series(variant.getKey(), perBlock.get(blocks.length).accuracy()));
                results.put(variant.getKey(), Map.of("config", headConfig, "blocks", blocks, "accuracy", accuracy));
                Files.writeString(outDir.resolve("probe-" + variant.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".svg"),
                        AccuracyPlot.svg("heads' accuracy per block: " + variant.getKey(), perBlock));
            }
            Files.writeString(outDir.resolve("probe.svg"), AccuracyPlot.svg("heads' accuracy (mean of heads) vs a "
                    + studentIterations + "-iteration student", means));
            Files.writeString(outDir.resolve("probe.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                    Map.of("runConfig", config, "studentIterations", studentIterations, "headIterations", headIterations,
                            "holdout", holdout, "bins", bins, "variants", results)));
            out.print(table);
        }
    }

    void bench(CommandLineOptions o) throws IOException {
        Path teacherDir = Path.of(o.required("teacher"));
        int iterations = Math.toIntExact(o.number("iterations", 30));
        int warmup = Math.toIntExact(o.number("warmup", 5));
        LaddConfig config = withOverrides(LaddConfig.paper(), o.text("config", "{}"));
        try (NDManager manager = NDManager.newBaseManager();
             FlowModel teacher = FlowModelCheckpoint.load(teacherDir, FlowModel.Role.TEACHER)) {
            var d = teacher.network().config().denoiser();
            long[] shape = {d.latentChannels(), d.latentHeight(), d.latentWidth()};
            Prompts prompts = Prompts.fashionMnist();
            // timing does not depend on the values: unit-Gaussian latents (what normalized latents are) with real prompts
            int count = 4 * config.batchSize();
            Random rng = new Random(1);
            float[] latents = new float[Math.toIntExact(count * shape[0] * shape[1] * shape[2])];
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) rng.nextGaussian();
            }
            int[] labels = new int[count];
            List<String> texts = new ArrayList<>();
            List<Long> seeds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                labels[i] = i % prompts.numClasses();
                texts.add(prompts.randomPrompt(labels[i], rng));
                seeds.add((long) i);
            }
            LatentShard data = new LatentShard("bench", 0, 1f, shape, latents, texts, seeds);

            LaddTraining ladd = LaddTraining.fromTeacher(teacher.network(), teacher.tokenizer(), config, manager);
            ShardSampler sampler = ShardSampler.inMemory(data.count(), config.batchSize(), config.seed());
            for (int i = 0; i < warmup; i++) {
                ladd.step(manager, sampler.batch(i, data));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                ladd.step(manager, sampler.batch(warmup + i, data));
            }
            double laddMs = (System.nanoTime() - t0) / 1e6 / iterations;

            var student = ladd.student();   // a trainable copy of the teacher: train it as a teacher for the comparison
            var flow = new TeacherTraining(student, teacher.tokenizer(), prompts,
                    TeacherTraining.Config.of(warmup + iterations, config.batchSize(), 1e-4f, 1));
            var dataset = new LatentDataset(latents, new Shape(shape), labels);
            long[] started = new long[1];
            flow.train(manager, dataset, (step, total, metrics) -> {
                if (step == warmup) {
                    started[0] = System.nanoTime();
                }
                return true;
            });
            double teacherMs = (System.nanoTime() - started[0]) / 1e6 / iterations;
            out.printf("batch %d, %d timed iterations after %d warm-up, %d threads%n", config.batchSize(), iterations,
                    warmup, Runtime.getRuntime().availableProcessors());
            out.printf("LADD iteration (student + head update): %8.1f ms%n", laddMs);
            out.printf("teacher training step:                  %8.1f ms%n", teacherMs);
            out.printf("ratio LADD / teacher step:              %8.2f%n", laddMs / teacherMs);
        }
    }

    private void report(String model, SampleScorer.Score s) {
        out.printf("score %-22s FID %7.2f  precision %.3f  recall %.3f  adherence %.3f  (n=%d)%n", model, s.fid(),
                s.precision(), s.recall(), s.adherence(), s.samples());
    }

    /**
     * The student's grids (and scores) at 1, 2 and 4 steps with each of the samplers' fresh-noise shares {@code etas};
     * one step does not re-noise, so it is drawn once. Files and score lines name η only when several are compared.
     */
    private void writeStudentGrids(LaddTraining training, FlowModel teacher, Grids grids, SampleScorer scorer,
                                   NDManager manager, long iteration, List<Double> etas) throws IOException {
        try (NDManager sub = manager.newSubManager()) {
            FlowModel student = FlowModel.of(training.publishedStudent(sub), teacher.tokenizer(), FlowModel.Role.STUDENT);
            for (int steps : new int[]{1, 2, 4}) {
                for (double eta : steps == 1 ? etas.subList(0, 1) : etas) {
                    String name = steps + "steps" + (etas.size() > 1 && steps > 1 ? "-eta" + eta : "");
                    Pipeline pipeline = Pipeline.latentsOnly(student, new StudentSampler(steps, eta));
                    grids.write("student-" + name + "-iter" + iteration,
                            pipeline.latents(grids.grid.prompts(), grids.grid.seeds()));
                    if (scorer != null) {
                        report("student@" + name + " it" + iteration, scorer.score(
                                pipeline.latents(scorer.prompts(), scorer.seeds())));
                    }
                }
            }
        }
    }

    /** The teacher's latents at {@code steps} Euler steps with CFG {@code cfg}, no timestep shift. */
    private static Pipeline teacherPipeline(FlowModel teacher, int steps, double cfg) {
        return Pipeline.latentsOnly(teacher, new EulerSampler(steps, cfg, 1.0));
    }

    /** The run's synthetic data: read from DIR when an earlier run made the same, else sampled and saved there. */
    private LatentShard syntheticData(FlowModel teacher, Path dir, int samples, int steps, double cfg) throws IOException {
        Path file = dir.resolve("synthetic-" + samples + "-" + steps + "steps-cfg" + cfg + ".safetensors");
        if (Files.exists(file)) {
            return LatentShard.fromSafetensors(Files.readAllBytes(file));
        }
        Prompts prompts = Prompts.fashionMnist();
        Random rng = new Random(42);
        List<String> texts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            texts.add(prompts.randomPrompt(i % prompts.numClasses(), rng));
            seeds.add(1_000_000L + i);
        }
        long t0 = System.nanoTime();
        LatentShard shard = teacherPipeline(teacher, steps, (float) cfg).syntheticShard("teacher", texts, seeds);
        out.printf("sampled %d synthetic latents (%d steps, CFG %.2f) in %.1f s%n", samples, steps, cfg,
                (System.nanoTime() - t0) / 1e9);
        Files.write(file, shard.toSafetensors());
        return shard;
    }

    /** A comma-separated list of numbers, e.g. {@code --sampler-eta=1,0}. */
    private static List<Double> decimals(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::trim).map(Double::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected comma-separated numbers, got '" + list + "'");
        }
    }

    static LaddConfig withOverrides(LaddConfig base, String json) {
        Map<String, Object> fields = new LinkedHashMap<>(JSON.convertValue(base, Map.class));
        try {
            fields.putAll(JSON.readValue(json, Map.class));
            return JSON.convertValue(fields, LaddConfig.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--config is not a valid LADD config: " + e.getMessage());
        }
    }

    /** The 10 classes × 8 seeds grid every model is drawn on, decoded to PNG files in the output folder. */
    private record Grids(ClassGrid grid, Autoencoder autoencoder, Path dir) {
        Grids(Autoencoder autoencoder, Path dir) {
            this(new ClassGrid(Prompts.fashionMnist(), GRID_SEEDS), autoencoder, dir);
        }

        void write(String name, float[] latents) throws IOException {
            Files.write(dir.resolve(name + ".png"),
                    grid.png(autoencoder.decodeLatents(latents), autoencoder.config().imageSize()));
        }
    }
}
