package dev.ladd.tools.teacher;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.ClassGrid;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.ml.train.AutoencoderTrainingState;
import dev.ladd.ml.train.DefaultAutoencoderRecipe;
import dev.ladd.ml.train.DefaultTeacherRecipe;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.ml.train.ProgressReporter;
import dev.ladd.ml.train.TeacherTraining;
import dev.ladd.platform.cli.CommandLineOptions;
import dev.ladd.tools.FashionMnistOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * teacher commands of ladd-tools (docs/adr/021):
 * <pre>
 *   java -jar ladd-tools.jar train-default --out=models/default [--autoencoder-steps=3000] [--teacher-steps=6000]
 *                                               [--autoencoder-base-channels=16] [--seed=0] [--data=DIR]
 *                                               [--autoencoder-from=DIR]   (reuse a trained autoencoder)
 *   java -jar ladd-tools.jar sample-grid --model=models/default --out=grid.png [--steps=50] [--cfg=1.5] [--seeds=8]
 *   java -jar ladd-tools.jar bench-backend [--rounds=3] [--steps=12]     (what oneDNN's cap costs, ADR 013)
 * </pre>
 * {@code train-default} trains the autoencoder and then the teacher on Fashion-MNIST and writes four
 * files: {@code autoencoder.safetensors/.json} and {@code teacher.safetensors/.json}; a running
 * teacher-service registers them with {@code POST /api/v1/teachers/import}.
 */
public final class TeacherCommandLine {

    public static final Set<String> COMMANDS = Set.of("train-default", "sample-grid", "bench-backend");

    private final PrintStream out;

    TeacherCommandLine(PrintStream out) {
        this.out = out;
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
    public static int run(String[] args) {
        TeacherCommandLine cli = new TeacherCommandLine(System.out);
        return CommandLineOptions.dispatch(args, Map.of("train-default", cli::trainDefault, "sample-grid", cli::sampleGrid,
                "bench-backend", new BackendBench(System.out)::run));
    }

    void trainDefault(CommandLineOptions o) throws IOException {
        Path outDir = Path.of(o.required("out"));
        long aeSteps = o.number("autoencoder-steps", 3000);
        long teacherSteps = o.number("teacher-steps", 6000);
        long seed = o.number("seed", 0);
        int aeChannels = Math.toIntExact(o.number("autoencoder-base-channels", 16));
        Files.createDirectories(outDir);
        long start = System.nanoTime();

        FashionMnistOption data = FashionMnistOption.load(o, out);
        LabeledImages train = data.train();
        LabeledImages test = data.test();

        try (NDManager manager = NDManager.newBaseManager()) {
            // 1. the autoencoder: 32×32×1 ↔ 4×8×8 (or an already trained one, --autoencoder-from=DIR)
            Autoencoder autoencoder;
            Checkpoint ae;
            if (o.has("autoencoder-from")) {
                Path from = Path.of(o.get("autoencoder-from"));
                CheckpointManifest manifest = CheckpointManifests.read(from.resolve("autoencoder.json"));
                byte[] weights = Files.readAllBytes(from.resolve("autoencoder.safetensors"));
                autoencoder = AutoencoderCheckpoint.load(manifest, weights, manager);
                ae = new Checkpoint(weights, manifest);
                out.printf("autoencoder: reusing %s (weights %s)%n", from, manifest.weightsSha256());
            } else {
                autoencoder = DefaultAutoencoderRecipe.newAutoencoder(manager, aeChannels, seed);
                AutoencoderTrainingState aeState = AutoencoderTrainingState.start(autoencoder,
                        AutoencoderTraining.Config.fashionMnist(aeSteps, seed));
                AutoencoderTraining.train(aeState, train, new ProgressReporter("autoencoder", out));
                ae = DefaultAutoencoderRecipe.finish(autoencoder, train, test, aeSteps, Map.of());
                out.printf("autoencoder: test PSNR %.2f dB, latent shift %.4f scale %.4f%n", ae.manifest().metrics().get("psnr_db"),
                        autoencoder.latentNormalization().shift(), autoencoder.latentNormalization().scale());
            }
            Files.write(outDir.resolve("autoencoder.safetensors"), ae.weights());
            CheckpointManifests.write(ae.manifest(), outDir.resolve("autoencoder.json"));

            // 2. the training set as normalized latents
            LatentDataset latents = LatentDataset.encode(autoencoder, train, manager);

            // 3. the teacher: text encoder + DiT, rectified flow with 10% prompt dropout for CFG
            Prompts prompts = Prompts.fashionMnist();
            WordTokenizer tokenizer = DefaultTeacherRecipe.tokenizer(prompts);
            FlowTransformer teacher = DefaultTeacherRecipe.newTeacher(manager, tokenizer, seed);
            TeacherTraining.Config config = DefaultTeacherRecipe.config(teacherSteps, 64, 5e-4f, seed);
            List<Double> losses = new ArrayList<>();
            ProgressReporter progress = new ProgressReporter("teacher", out);
            new TeacherTraining(teacher, tokenizer, prompts, config).train(manager, latents, (step, total, m) -> {
                losses.add(m.get("loss"));
                return progress.onStep(step, total, m);
            });
            double finalLoss = losses.subList(Math.max(0, losses.size() - 200), losses.size()).stream()
                    .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            Checkpoint checkpoint = DefaultTeacherRecipe.checkpoint(teacher, tokenizer, autoencoder,
                    ae.manifest().weightsSha256(), teacherSteps, Map.of("train_loss_last200", finalLoss));
            Files.write(outDir.resolve("teacher.safetensors"), checkpoint.weights());
            CheckpointManifests.write(checkpoint.manifest(), outDir.resolve("teacher.json"));
            out.printf("teacher: %d parameters, mean loss of the last 200 steps %.4f%n",
                    teacher.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum(), finalLoss);
        }
        out.printf("done in %s; files in %s%n", Duration.ofNanos(System.nanoTime() - start).withNanos(0), outDir);
    }

    void sampleGrid(CommandLineOptions o) throws IOException {
        Path model = Path.of(o.required("model"));
        Path target = Path.of(o.required("out"));
        int steps = Math.toIntExact(o.number("steps", 50));
        double cfg = o.decimal("cfg", 1.5);
        int seeds = Math.toIntExact(o.number("seeds", 8));
        Prompts prompts = Prompts.fashionMnist();
        try (NDManager manager = NDManager.newBaseManager();
             FlowModel teacher = FlowModelCheckpoint.load(model, FlowModel.Role.TEACHER)) {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(model, manager);
            ClassGrid grid = new ClassGrid(prompts, seeds);
            long t0 = System.nanoTime();
            Pipeline pipeline = new Pipeline(teacher, new EulerSampler(steps, cfg, 1.0), autoencoder);
            byte[] png = grid.png(pipeline.images(grid.prompts(), grid.seeds()), pipeline.imageSize());
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.write(target, png);
            out.printf("wrote %s: %d classes × %d seeds, %d Euler steps, CFG %.2f, in %d ms%n", target,
                    prompts.numClasses(), seeds, steps, cfg, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
