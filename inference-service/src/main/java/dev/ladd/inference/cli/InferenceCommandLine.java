package dev.ladd.inference.cli;

import dev.ladd.inference.batch.DynamicBatcher;
import dev.ladd.inference.batch.ServedModelGenerator;
import dev.ladd.inference.model.ModelLoadException;
import dev.ladd.inference.model.ModelLoader;
import dev.ladd.inference.model.ServedModel;
import dev.ladd.inference.model.ServingModels;
import dev.ladd.inference.web.PngImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.platform.cli.CommandLineOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * inference-service's offline command, run with the service's jar:
 * <pre>
 *   java -jar inference-service.jar bench-batching --student=DIR --teacher=models/default [--concurrency=32]
 *        [--requests=512] [--steps=4] [--max-batch-size=16] [--max-batch-wait-ms=10] [--warmup=64]
 * </pre>
 * {@code bench-batching} loads the student ({@code student.json/.safetensors} in DIR, as {@code trainer-service
 * distill} writes it) and the teacher folder's autoencoder, exactly as a swap does, and drives the service's
 * {@link DynamicBatcher} with {@code concurrency} client threads, each sending one-image requests (its own prompts
 * and seeds) one after the other, until {@code requests} are answered: once with one-at-a-time batching (max batch
 * 1), then with dynamic batching ({@code max-batch-size}, {@code max-batch-wait-ms}) with the service's fixed call
 * shape (every call padded to max-batch-size images) and with calls as large as each batch. It prints images/s,
 * the mean batch size and latency percentiles of each, the ratios, and how many PNGs were identical to the same
 * request made alone (fixed shape: against a lone padded call; variable: against the one-at-a-time run).
 */
public final class InferenceCommandLine {

    public static final Set<String> COMMANDS = Set.of("bench-batching");

    private final PrintStream out;

    InferenceCommandLine(PrintStream out) {
        this.out = out;
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
    public static int run(String[] args) {
        InferenceCommandLine cli = new InferenceCommandLine(System.out);
        return CommandLineOptions.dispatch(args, Map.of("bench-batching", cli::benchBatching));
    }

    /** One measured mode. */
    record Run(String name, int maxBatchSize, double imagesPerSecond, double meanBatch, double p50Ms, double p99Ms,
               List<byte[]> pngs) {
    }

    void benchBatching(CommandLineOptions o) throws IOException {
        Path studentDir = Path.of(o.required("student"));
        Path teacherDir = Path.of(o.required("teacher"));
        int concurrency = positive(o, "concurrency", 32);
        int requests = positive(o, "requests", 512);
        int steps = positive(o, "steps", 4);
        int maxBatch = positive(o, "max-batch-size", 16);
        long waitMs = o.number("max-batch-wait-ms", 10);
        int warmup = Math.toIntExact(o.number("warmup", 64));
        if (waitMs < 0 || warmup < 0 || steps > 8) {
            throw new IllegalArgumentException("--max-batch-wait-ms and --warmup must be >= 0 and --steps at most 8");
        }
        ServedModel model;
        try {
            model = ModelLoader.load("bench", studentDir.toString(), 1,
                    read(studentDir.resolve("student.safetensors")), read(studentDir.resolve("student.json")),
                    read(teacherDir.resolve("autoencoder.safetensors")), read(teacherDir.resolve("autoencoder.json")),
                    Clock.systemUTC());
        } catch (ModelLoadException e) {
            throw new IOException(e.getMessage(), e);
        }
        ServingModels models = new ServingModels();
        models.swapIn(model);
        out.printf("bench-batching: %d requests of 1 image at %d steps from %d clients (after %d warm-up requests), "
                + "%d cores, libtorch threads %s%n", requests, steps, concurrency, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try {
            Run single = measure("one at a time", models, 1, 0, Duration.ZERO, concurrency, requests, warmup, steps);
            Run batched = measure("dynamic batching, fixed call shape", models, maxBatch, maxBatch,
                    Duration.ofMillis(waitMs), concurrency, requests, warmup, steps);
            Run variable = measure("dynamic batching, calls as large as the batch", models, maxBatch, 0,
                    Duration.ofMillis(waitMs), concurrency, requests, warmup, steps);
            out.println();
            out.println("| mode | max batch | images/s | mean batch | p50 ms | p99 ms |");
            out.println("|---|---|---|---|---|---|");
            for (Run r : List.of(single, batched, variable)) {
                out.printf("| %s | %d | %.1f | %.1f | %.0f | %.0f |%n", r.name(), r.maxBatchSize(), r.imagesPerSecond(),
                        r.meanBatch(), r.p50Ms(), r.p99Ms());
            }
            out.printf("%ndynamic batching (fixed call shape) / one at a time: %.2f× images/s%n",
                    batched.imagesPerSecond() / single.imagesPerSecond());
            out.printf("dynamic batching (calls as large as the batch) / one at a time: %.2f× images/s%n",
                    variable.imagesPerSecond() / single.imagesPerSecond());
            int check = Math.min(requests, 64);
            List<String> prompts = Prompts.fashionMnist().allPrompts();
            int sameFixed = 0;
            for (int i = 0; i < check; i++) {
                float[] alone = model.generate(List.of(prompts.get(i % prompts.size())), List.of((long) i), steps, maxBatch);
                sameFixed += Arrays.equals(PngImages.png(alone, model.imageChannels(), model.imageSize(), model.imageSize()),
                        batched.pngs().get(i)) ? 1 : 0;
            }
            int sameVariable = 0;
            for (int i = 0; i < requests; i++) {
                sameVariable += Arrays.equals(single.pngs().get(i), variable.pngs().get(i)) ? 1 : 0;
            }
            out.printf("identical PNGs, the same request alone vs in a dynamic batch: fixed call shape %d of %d; "
                    + "calls as large as the batch %d of %d%n", sameFixed, check, sameVariable, requests);
        } finally {
            models.retireAll();
        }
    }

    private Run measure(String name, ServingModels models, int maxBatch, int callSize, Duration wait, int concurrency, int requests,
                        int warmup, int steps) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try (DynamicBatcher batcher = new DynamicBatcher(new DynamicBatcher.Settings(maxBatch, wait,
                Math.max(concurrency, 1) * 2, 1), new ServedModelGenerator(models, 1, callSize), meters)) {
            drive(batcher, clients, concurrency, warmup, steps, 1_000_000, new byte[warmup][], new long[warmup]);
            long before = meters.find("ladd.inference.batch.size").summary().count();
            double imagesBefore = meters.find("ladd.inference.batch.size").summary().totalAmount();
            byte[][] pngs = new byte[requests][];
            long[] latencies = new long[requests];
            long start = System.nanoTime();
            drive(batcher, clients, concurrency, requests, steps, 0, pngs, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            long batches = meters.find("ladd.inference.batch.size").summary().count() - before;
            double images = meters.find("ladd.inference.batch.size").summary().totalAmount() - imagesBefore;
            Arrays.sort(latencies);
            return new Run(name, maxBatch, requests / seconds, images / batches, latencies[requests / 2] / 1e6,
                    latencies[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)] / 1e6, Arrays.asList(pngs));
        } finally {
            clients.shutdownNow();
        }
    }

    /** {@code count} one-image requests (request i: prompt i mod 50, seed firstSeed + i) from {@code concurrency} clients. */
    private static void drive(DynamicBatcher batcher, ExecutorService clients, int concurrency, int count, int steps,
                              long firstSeed, byte[][] pngs, long[] latencies) {
        List<String> prompts = Prompts.fashionMnist().allPrompts();
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            running.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long sent = System.nanoTime();
                    CompletableFuture<DynamicBatcher.Result> result = batcher.submit(new DynamicBatcher.Request("bench",
                            prompts.get(i % prompts.size()), 1, steps, firstSeed + i));
                    DynamicBatcher.Result r = result.join();
                    pngs[i] = PngImages.png(r.images()[0], r.channels(), r.size(), r.size());
                    latencies[i] = System.nanoTime() - sent;
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a bench request failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static int positive(CommandLineOptions o, String name, long fallback) {
        long v = o.number(name, fallback);
        if (v < 1 || v > 1_000_000) {
            throw new IllegalArgumentException("--" + name + " must be between 1 and 1000000, got " + v);
        }
        return (int) v;
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        return Files.readAllBytes(file);
    }
}
