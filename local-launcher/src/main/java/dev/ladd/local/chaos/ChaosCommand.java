package dev.ladd.local.chaos;

import dev.ladd.local.LocalPlatform;
import dev.ladd.local.LocalPlatformOptions;
import dev.ladd.local.OptionsException;
import dev.ladd.local.RepoLocator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ladd-local chaos}: the fault-injection suite over the one-box platform (real processes, real Kafka, real
 * PostgreSQL). Prints a table of invariants per scenario; exit code 0 when all hold, 1 when one did not, 2 for bad
 * options.
 */
public final class ChaosCommand {

    private ChaosCommand() {
    }

    public static int run(String[] args) {
        if (LocalPlatformOptions.isHelp(args)) {
            System.out.print(ChaosOptions.help());
            return 0;
        }
        Path repo = RepoLocator.locate();
        ChaosOptions options;
        LocalPlatformOptions platformOptions;
        try {
            options = ChaosOptions.parse(repo, args);
            platformOptions = LocalPlatformOptions.parse("--work-dir=" + options.workDir(), "--base-port=" + options.basePort(),
                    "--pg-port=" + options.postgresPort(), "--kafka-port=" + options.kafkaPort(), "--heap=384m",
                    "--kafka-heap=384m", "--health-timeout=300", "--demo-run=false",
                    "--inference-replicas=" + options.inferenceReplicas(), "--trainer-replicas=" + options.trainerReplicas());
        } catch (OptionsException e) {
            System.err.println("ladd-local chaos: " + e.getMessage());
            return 2;
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
        int exit = run(options, platformOptions, out);
        if (options.report() != null) {
            try {
                Files.createDirectories(options.report().getParent());
                Files.write(options.report(), copy.toByteArray());
            } catch (IOException e) {
                System.err.println("could not write " + options.report() + ": " + e.getMessage());
            }
        }
        return exit;
    }

    static int run(ChaosOptions options, LocalPlatformOptions platformOptions, PrintStream out) {
        Instant begin = Instant.now();
        out.printf("LADD chaos: %s%nmachine: %d cores, %s; java %s%nscenarios: %s%nrun config: %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("java.version"),
                String.join(", ", options.scenarios()), options.runConfig());
        deleteRecursively(options.workDir());
        options.serviceArgs().forEach((service, value) -> System.setProperty("ladd.local.args." + service, value));
        List<Chaos.Check> all = new ArrayList<>();
        try (LocalPlatform platform = LocalPlatform.start(platformOptions, out)) {
            String gateway = platformOptions.services().stream().filter(s -> s.name().equals("gateway-service"))
                    .findFirst().orElseThrow().baseUrl();
            try (SteadyClient client = new SteadyClient(gateway, platform.adminKey(), options.ratePerSecond(),
                    options.workDir().resolve("chaos-client.log"))) {
                Chaos chaos = new Chaos(platform, client, options, out);
                for (String name : options.scenarios()) {
                    Instant started = Instant.now();
                    List<Chaos.Check> checks = chaos.run(Scenarios.all().get(name));
                    all.addAll(checks);
                    print(out, name, checks, Duration.between(started, Instant.now()));
                }
            }
        } catch (Exception e) {
            out.println("chaos stopped: " + e);
            e.printStackTrace(out);
            all.add(new Chaos.Check("-", "the suite ran to its end", "yes", "no: " + e.getMessage(), false));
        }
        long failed = all.stream().filter(c -> !c.ok()).count();
        out.printf("%n=== %d scenarios, %d invariants checked, %d failed; %s in all ===%n", options.scenarios().size(),
                all.size(), failed, seconds(Duration.between(begin, Instant.now())));
        all.stream().filter(c -> !c.ok()).forEach(c -> out.printf("FAILED  %s: %s: expected %s, observed %s%n",
                c.scenario(), c.invariant(), c.expected(), c.observed()));
        return failed == 0 ? 0 : 1;
    }

    static void print(PrintStream out, String scenario, List<Chaos.Check> checks, Duration took) {
        int width = Math.max(9, checks.stream().mapToInt(c -> c.invariant().length()).max().orElse(9));
        int expectedWidth = Math.max(8, checks.stream().mapToInt(c -> c.expected().length()).max().orElse(8));
        String format = "%-22s %-" + width + "s %-" + expectedWidth + "s %-4s %s%n";
        out.printf("%n%s (%s)%n", scenario, seconds(took));
        out.printf(format, "scenario", "invariant", "expected", "ok", "observed");
        for (Chaos.Check c : checks) {
            out.printf(format, c.scenario(), c.invariant(), c.expected(), c.ok() ? "ok" : "FAIL", c.observed());
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.0f s", d.toMillis() / 1000.0);
    }

    private static String memory() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            return String.format("%.1f GiB memory", kb / 1024.0 / 1024.0);
        } catch (Exception e) {
            return "memory unknown";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("could not delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
