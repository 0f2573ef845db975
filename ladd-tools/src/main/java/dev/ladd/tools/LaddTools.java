package dev.ladd.tools;

import dev.ladd.tools.eval.EvalCommandLine;
import dev.ladd.tools.gateway.LatencyBench;
import dev.ladd.tools.teacher.TeacherCommandLine;
import dev.ladd.tools.trainer.TrainerCommandLine;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The research commands in one jar (docs/adr/021): {@code java -jar ladd-tools/target/ladd-tools-*.jar <command>
 * [--name=value …]}; {@code --help} lists them, {@code <command> --help} shows one's options. Exit codes as every
 * command here: 0 done, 1 failed, 2 bad arguments (an unknown command included). The services' jars only serve,
 * but for inference-service's {@code bench-batching}, which benchmarks the service's own DynamicBatcher (ADR 021).
 */
public final class LaddTools {

    /** One command: its name, what it does in a line, its options, and the class that runs it. */
    record Command(String name, String summary, String usage, ToIntFunction<String[]> runner) {
    }

    static final List<Command> COMMANDS = List.of(
            new Command("train-default", "trains the default autoencoder and teacher on Fashion-MNIST",
                    "train-default --out=models/default [--autoencoder-steps=3000] [--teacher-steps=6000]\n"
                            + "    [--autoencoder-base-channels=16] [--seed=0] [--data=DIR] [--autoencoder-from=DIR]",
                    TeacherCommandLine::run),
            new Command("sample-grid", "draws a teacher's 10 classes x N seeds grid as a PNG",
                    "sample-grid --model=models/default --out=grid.png [--steps=50] [--cfg=1.5] [--seeds=8]",
                    TeacherCommandLine::run),
            new Command("bench-backend", "what oneDNN's portable setting costs (ADR 013)",
                    "bench-backend [--rounds=3] [--steps=12]", TeacherCommandLine::run),
            new Command("distill", "LADD in one process: synthetic data, student training, grids and scores",
                    "distill --teacher=models/default --out=DIR [--iterations=300] [--samples=2048]\n"
                            + "    [--sampler-steps=50] [--cfg=1.5] [--config='{\"renoiseMean\":0.0,...}'] [--grid-every=100]\n"
                            + "    [--score=models/classifier] [--score-samples=1000] [--sampler-eta=1,0]",
                    TrainerCommandLine::run),
            new Command("probe-heads", "LADD's diagnostic: can fresh heads tell a frozen student's samples from the teacher's?",
                    "probe-heads --teacher=models/default --out=DIR [--samples=16384] [--sampler-steps=8] [--config=...]\n"
                            + "    [--student-iterations=50] [--head-iterations=300] [--holdout=1024] [--bins=5]\n"
                            + "    [--variants='{\"name\":{...head settings...},...}']",
                    TrainerCommandLine::run),
            new Command("bench", "ms per LADD iteration vs per teacher training step",
                    "bench --teacher=models/default [--iterations=30] [--warmup=5] [--config=...]",
                    TrainerCommandLine::run),
            new Command("bench-latency", "the gateway's added latency (LADD_API_KEY, LADD_SERVICE_TOKEN from the environment)",
                    "bench-latency --inference=http://localhost:8084 --gateway=http://localhost:8080 [--requests=500]\n"
                            + "    [--warmup=20] [--alias=default] [--steps=4] [--prompt=...]",
                    LatencyBench::run),
            new Command("train-classifier", "trains the metrics classifier and its reference statistics (FID, precision/recall)",
                    "train-classifier --out=models/classifier [--steps=3500] [--batch=128] [--seed=0]\n"
                            + "    [--learning-rate=0.002] [--data=DIR]",
                    EvalCommandLine::run),
            new Command("report", "the teacher-vs-student table (quality and speed), measured in one process",
                    "report --teacher=models/default --student=DIR[,DIR...] [--classifier=models/classifier]\n"
                            + "    [--samples=5000] [--teacher-steps=50] [--cfg=1.5] [--warmup=1] [--repeats=5]\n"
                            + "    [--baselines=models/default/baselines.json]",
                    EvalCommandLine::run),
            new Command("baselines", "measures a teacher's baselines as eval-service does and writes baselines.json",
                    "baselines --teacher=models/default [--classifier=models/classifier] [--samples=5000]\n"
                            + "    [--quick-samples=500] [--teacher-steps=50,4,2,1] [--cfg=1.5] [--warmup=1] [--repeats=3]\n"
                            + "    [--out=TEACHER/baselines.json]",
                    EvalCommandLine::run));

    private LaddTools() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs {@code args}; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            help(err);
            return 2;
        }
        if (List.of("--help", "-h", "help").contains(args[0])) {
            help(out);
            return 0;
        }
        Optional<Command> command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst();
        if (command.isEmpty()) {
            err.println("error: unknown command '" + args[0] + "'; commands: "
                    + COMMANDS.stream().map(Command::name).toList() + " (--help describes them)");
            return 2;
        }
        if (Arrays.asList(args).subList(1, args.length).contains("--help")) {
            out.println(command.get().summary());
            out.println("usage: java -jar ladd-tools.jar " + command.get().usage());
            return 0;
        }
        return command.get().runner().applyAsInt(args);
    }

    private static void help(PrintStream out) {
        out.println("usage: java -jar ladd-tools.jar <command> [--name=value ...]   (<command> --help: its options)");
        out.println("commands:");
        for (Command c : COMMANDS) {
            out.printf("  %-16s %s%n", c.name(), c.summary());
        }
    }
}
