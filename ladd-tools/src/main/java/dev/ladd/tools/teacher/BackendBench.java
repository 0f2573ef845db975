package dev.ladd.tools.teacher;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.ladd.LaddTraining;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.DiscriminatorConfig;
import dev.ladd.ml.train.AdamW;
import dev.ladd.ml.train.AutoencoderLoss;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.ml.train.DefaultAutoencoderRecipe;
import dev.ladd.ml.train.DefaultTeacherRecipe;
import dev.ladd.platform.cli.CommandLineOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What oneDNN's portable setting would cost (docs/adr/013): the default autoencoder's training step (its convolutions
 * forward and backward, batch 64), its decoding of 64 latents (the convolutions every sample and score goes through)
 * and one update of the LADD discriminator heads (3×3 convolutions over the teacher's token grid, real and fake:
 * 2 × 64), timed in child JVMs of this jar that alternate between libtorch's default kernels and
 * {@code ONEDNN_MAX_CPU_ISA=AVX} (oneDNN reads the variable in the process that loads it, so each setting needs its
 * own process), so that both are measured side by side in one run; the self-check's verdict is printed beside each.
 * <pre>
 *   java -Dai.djl.offline=true -jar ladd-tools.jar bench-backend [--rounds=3] [--steps=12]
 * </pre>
 */
final class BackendBench {

    private static final int BATCH = 64;
    private static final int WARMUP = 3;
    private static final String RESULT = "RESULT ";

    private final PrintStream out;

    BackendBench(PrintStream out) {
        this.out = out;
    }

    void run(CommandLineOptions o) throws IOException {
        int steps = Math.toIntExact(o.number("steps", 12));
        if (o.has("measure")) {
            measure(steps);
            return;
        }
        int rounds = Math.toIntExact(o.number("rounds", 3));
        String capped = NumericalBackendCheck.ONEDNN_CAP;
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        results.put(capped, new ArrayList<>());
        results.put("default", new ArrayList<>());
        for (int round = 1; round <= rounds; round++) {
            for (String setting : results.keySet()) {
                String line = child(setting.equals(capped) ? capped : null, steps);
                out.printf("round %d, %s=%s: %s%n", round, NumericalBackendCheck.ONEDNN_CAP_VARIABLE,
                        setting.equals(capped) ? capped : "(unset)", line);
                String[] f = line.split(" ");
                results.get(setting).add(new double[]{Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])});
            }
        }
        double[] cap = medians(results.get(capped));
        double[] dflt = medians(results.get("default"));
        out.printf("%nmedian of %d rounds (each the median of %d timed calls after %d warm-up calls), batch %d, %s:%n",
                rounds, steps, WARMUP, BATCH, Runtime.getRuntime().availableProcessors() + " cores");
        out.println("| ms | " + NumericalBackendCheck.ONEDNN_CAP_VARIABLE + "=" + capped + " | default kernels | portable / default |");
        out.println("|---|---:|---:|---:|");
        out.printf("| autoencoder training step | %.1f | %.1f | %.2f |%n", cap[0], dflt[0], cap[0] / dflt[0]);
        out.printf("| autoencoder decode, 64 latents | %.1f | %.1f | %.2f |%n", cap[1], dflt[1], cap[1] / dflt[1]);
        out.printf("| LADD heads update, 2 × 64 | %.1f | %.1f | %.2f |%n", cap[2], dflt[2], cap[2] / dflt[2]);
    }

    /** One child JVM of this jar with the same JVM flags, oneDNN capped at {@code cap} (null: the variable removed). */
    private String child(String cap, int steps) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass(),
                "bench-backend", "--measure=true", "--steps=" + steps));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (cap == null) {
            builder.environment().remove(NumericalBackendCheck.ONEDNN_CAP_VARIABLE);
        } else {
            builder.environment().put(NumericalBackendCheck.ONEDNN_CAP_VARIABLE, cap);
        }
        Process process = builder.start();
        String result = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.add(line);
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                }
            }
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the measuring JVM ran");
        }
        if (exit != 0 || result == null) {
            throw new IllegalStateException("the measuring JVM failed (exit " + exit + "):\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        }
        return result;
    }

    /** The class the JVM was started with: ladd-tools' main for {@code java -jar} (its manifest names the lib/ jars). */
    private static String mainClass() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.split(" ")[0];
        return first.endsWith(".jar") ? "dev.ladd.tools.LaddTools" : first;
    }

    /** In the child: prints "RESULT verdict trainStepMs decodeMs headsMs". */
    private void measure(int steps) {
        NumericalBackendCheck.Result check = NumericalBackendCheck.run();
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder model = DefaultAutoencoderRecipe.newAutoencoder(manager, 16, 0);
            AdamW optimizer = new AdamW(model, 1e-3f, AutoencoderTraining.BETA1, AutoencoderTraining.BETA2, 0f);
            LabeledImages data = TinyDataset.generate(BATCH, TinyDataset.MAX_CLASSES, 1).paddedTo32();
            Random rng = new Random(0);
            double[] train = new double[steps];
            double[] decode = new double[steps];
            double[] heads = new double[steps];
            DenoiserConfig teacher = DefaultTeacherRecipe.newTeacher(manager,
                    DefaultTeacherRecipe.tokenizer(Prompts.fashionMnist()), 0).config().denoiser();
            int[] blocks = LaddTraining.featureBlocks(LaddConfig.paper(), teacher);
            Discriminator discriminator = new Discriminator(new DiscriminatorConfig(blocks, teacher.width(),
                    teacher.textWidth(), 64, LaddConfig.paper().headChannels()));
            discriminator.initialize(manager, 0);
            AdamW headOptimizer = new AdamW(discriminator, 1e-4f, 0.9f, 0.999f, 0f);
            int rows = teacher.latentHeight() / teacher.patchSize();
            int cols = teacher.latentWidth() / teacher.patchSize();
            for (int i = -WARMUP; i < steps; i++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray images = sub.create(data.signedImages(0, BATCH), model.imageShape(BATCH));
                    NDArray noise = RectifiedFlow.gaussian(sub, model.latentShape(BATCH), rng);
                    ParameterStore ps = new ParameterStore(sub, false);
                    long t0 = System.nanoTime();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(AutoencoderLoss.of(model, ps, images, noise, 1e-4, true).total());
                    }
                    optimizer.step();
                    long t1 = System.nanoTime();
                    model.decode(ps, noise, false).toFloatArray();
                    long t2 = System.nanoTime();
                    List<NDArray> features = new ArrayList<>();
                    for (int b = 0; b < blocks.length; b++) {
                        features.add(RectifiedFlow.gaussian(sub, new Shape(2L * BATCH, (long) rows * cols, teacher.width()), rng));
                    }
                    NDArray levels = RectifiedFlow.logitNormal(sub, 2 * BATCH, 1.0, 1.0, rng);
                    NDArray pooled = RectifiedFlow.gaussian(sub, new Shape(2L * BATCH, teacher.textWidth()), rng);
                    long t3 = System.nanoTime();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray sum = null;
                        for (NDArray logit : discriminator.logits(ps, features, rows, cols, levels, pooled, true)) {
                            sum = sum == null ? logit.mean() : sum.add(logit.mean());
                        }
                        collector.backward(sum);
                    }
                    headOptimizer.step();
                    long t4 = System.nanoTime();
                    if (i >= 0) {
                        train[i] = (t1 - t0) / 1e6;
                        decode[i] = (t2 - t1) / 1e6;
                        heads[i] = (t4 - t3) / 1e6;
                    }
                }
            }
            out.printf("%s%s %.2f %.2f %.2f%n", RESULT, check.healthy() ? "self-check-passed" : "self-check-FAILED",
                    median(train), median(decode), median(heads));
        }
    }

    private static double[] medians(List<double[]> rows) {
        double[] m = new double[rows.get(0).length];
        for (int j = 0; j < m.length; j++) {
            int column = j;
            m[j] = median(rows.stream().mapToDouble(r -> r[column]).toArray());
        }
        return m;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
