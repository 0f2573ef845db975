package dev.ladd.local.chaos;

import dev.ladd.local.OptionsException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chaos command's options ({@code chaos --key=value ...}).
 *
 * @param scenarios          the scenarios to run, in catalogue order; "baseline" always runs first
 * @param workDir            the platform's work folder (fresh each time: it is deleted first)
 * @param basePort           the first service port (the others follow as for ladd-local)
 * @param postgresPort       PostgreSQL's port
 * @param kafkaPort          Kafka's port (the controller takes the next one)
 * @param ratePerSecond      the steady client's image requests per second
 * @param iterations         LADD iterations of each scenario's run
 * @param checkpointInterval a checkpoint every this many iterations
 * @param inferenceReplicas  inference processes
 * @param trainerReplicas    trainer processes
 * @param report             where the report is written besides the terminal (null: nowhere)
 */
public record ChaosOptions(List<String> scenarios, Path workDir, int basePort, int postgresPort, int kafkaPort,
                           double ratePerSecond, int iterations, int checkpointInterval, int inferenceReplicas,
                           int trainerReplicas, Path report) {

    /** The data of each run: two requests of 64 latents at 2 sampler steps, in shards of 32 (as the dashboard test). */
    public int samplesPerRequest() {
        return 64;
    }

    public int requestsPerRun() {
        return 2;
    }

    public int shardSize() {
        return 32;
    }

    /** Every scenario's run: the same config and seed, so that each must end with the baseline's weights. */
    public String runConfig() {
        return "{\"teacherId\":\"default\",\"iterations\":" + iterations + ",\"checkpointInterval\":" + checkpointInterval
                + ",\"batchSize\":16,\"seed\":11,\"studentLearningRate\":1.0e-4,\"headLearningRate\":1.0e-4,\"studentNoise\":\"shard\","
                + "\"distillationWeight\":1.0,\"emaDecay\":0.99,\"samplerEta\":0.0}";
    }

    /** Small settings for the services, as the launcher's tests give them (-Dladd.local.args.<service>). */
    public Map<String, String> serviceArgs() {
        return Map.of(
                "trainer", "--ladd.trainer.synthetic-data.samples-per-request=" + samplesPerRequest()
                        + " --ladd.trainer.synthetic-data.requests-per-run=" + requestsPerRun()
                        + " --ladd.trainer.synthetic-data.shard-size=" + shardSize()
                        + " --ladd.trainer.synthetic-data.sampler-steps=2",
                "eval", "--ladd.eval.samples=20 --ladd.eval.quick-samples=10 --ladd.eval.teacher-steps=8,4,2,1"
                        + " --ladd.eval.speed.warmup=0 --ladd.eval.speed.repeats=1");
    }

    static ChaosOptions parse(Path repoDir, String... args) throws OptionsException {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> known = Set.of("scenarios", "work-dir", "base-port", "pg-port", "kafka-port", "rate", "iterations",
                "checkpoint-interval", "inference-replicas", "trainer-replicas", "report");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new OptionsException("unexpected argument '" + arg + "': chaos options look like --key=value");
            }
            String key = arg.substring(2, eq);
            if (!known.contains(key)) {
                throw new OptionsException("unknown chaos option --" + key);
            }
            values.put(key, arg.substring(eq + 1).trim());
        }
        Map<String, Scenario> catalogue = Scenarios.all();
        List<String> scenarios = new ArrayList<>();
        String chosen = values.getOrDefault("scenarios", "all");
        if (chosen.equals("all")) {
            scenarios.addAll(catalogue.keySet());
        } else {
            List<String> asked = List.of(chosen.split(","));
            for (String name : asked) {
                if (!catalogue.containsKey(name.trim())) {
                    throw new OptionsException("unknown scenario '" + name.trim() + "'; known: "
                            + String.join(", ", catalogue.keySet()));
                }
            }
            catalogue.keySet().stream().filter(n -> n.equals("baseline") || asked.stream().anyMatch(a -> a.trim().equals(n)))
                    .forEach(scenarios::add);
        }
        int iterations = number(values, "iterations", 30, 2, 100_000);
        int interval = number(values, "checkpoint-interval", 10, 1, iterations);
        if (iterations % interval != 0) {
            throw new OptionsException("--iterations=" + iterations + " must be a multiple of --checkpoint-interval="
                    + interval + " (the invariants count the checkpoints)");
        }
        double rate;
        try {
            rate = Double.parseDouble(values.getOrDefault("rate", "2"));
        } catch (NumberFormatException e) {
            throw new OptionsException("--rate=" + values.get("rate") + " is not a number of requests per second");
        }
        if (!(rate > 0 && rate <= 50)) {
            throw new OptionsException("--rate must be more than 0 and at most 50 requests per second");
        }
        return new ChaosOptions(scenarios,
                Path.of(values.getOrDefault("work-dir", repoDir.resolve(".work-chaos").toString())).toAbsolutePath(),
                number(values, "base-port", 18180, 1024, 65000), number(values, "pg-port", 25432, 1024, 65535),
                number(values, "kafka-port", 29092, 1024, 65534), rate, iterations, interval,
                number(values, "inference-replicas", 2, 1, 8), number(values, "trainer-replicas", 2, 1, 8),
                values.containsKey("report") ? Path.of(values.get("report")).toAbsolutePath() : null);
    }

    private static int number(Map<String, String> values, String key, int fallback, int min, int max)
            throws OptionsException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new OptionsException("--" + key + "=" + value + " is out of range: " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new OptionsException("--" + key + "=" + value + " is not a whole number");
        }
    }

    static String help() {
        return """
                Usage: ladd-local chaos [--key=value ...]
                   or: java -jar local-launcher/target/local-launcher-0.1.0-SNAPSHOT.jar chaos [--key=value ...]

                Starts the one-box platform (fresh work folder) with small settings, a steady image client, and
                runs a small LADD run per scenario with one fault injected; prints the invariants checked after
                each as a table and exits 1 if any failed. docs/reliability.md describes the scenarios.

                  --scenarios=LIST           all, or a comma list of: %s
                                             (baseline always runs first)          (default: all)
                  --work-dir=PATH            deleted and re-made first             (default: <repo>/.work-chaos)
                  --base-port=N              services from here, as ladd-local     (default: 18180)
                  --pg-port=N / --kafka-port=N                                     (default: 25432 / 29092)
                  --rate=R                   image requests per second             (default: 2)
                  --iterations=N             LADD iterations per run               (default: 30)
                  --checkpoint-interval=N                                          (default: 10)
                  --inference-replicas=N     (default: 2)   --trainer-replicas=N  (default: 2)
                  --report=FILE              also write the report there
                """.formatted(String.join(", ", Scenarios.all().keySet()));
    }
}
