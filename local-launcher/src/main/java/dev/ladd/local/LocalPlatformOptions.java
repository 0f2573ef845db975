package dev.ladd.local;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to start and where, parsed from {@code --key=value} arguments.
 *
 * @param repoDir             the repository checkout; service jars are read from {@code <repo>/<service>/target}
 * @param workDir             everything the platform writes: PostgreSQL and Kafka data, blobs, logs
 * @param postgresPort        PostgreSQL's port
 * @param kafkaPort           the Kafka broker listener's port
 * @param kafkaControllerPort the KRaft controller listener's port
 * @param kafkaHeap           the broker JVM's {@code -Xmx}
 * @param services            the services to start, in start order (empty: only PostgreSQL and Kafka)
 * @param healthTimeout       how long Kafka, and then the services, may take to become ready
 * @param serveTimeout        how long alias {@code default} may then take to serve an image (the committed default
 *                            student, docs/adr/014)
 * @param serviceJvmOptions   options every service JVM gets before {@code -jar} (default {@value #DEFAULT_SERVICE_JVM_OPTIONS}:
 *                            the client compiler only and the serial collector, with which the five services start on
 *                            two cores with less than half the CPU time, docs/adr/014)
 * @param demoRun             start the demo LADD run once everything is up, unless a run exists already
 */
public record LocalPlatformOptions(
        Path repoDir,
        Path workDir,
        int postgresPort,
        int kafkaPort,
        int kafkaControllerPort,
        String kafkaHeap,
        List<ServiceSpec> services,
        Duration healthTimeout,
        Duration serveTimeout,
        List<String> serviceJvmOptions,
        boolean demoRun) {

    public static final int DEFAULT_POSTGRES_PORT = 15432;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final String DEFAULT_KAFKA_HEAP = "512m";
    public static final String DEFAULT_SERVICE_HEAP = "512m";
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(180);
    public static final Duration DEFAULT_SERVE_TIMEOUT = Duration.ofSeconds(120);
    public static final String DEFAULT_SERVICE_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** The services the launcher can start several processes of (the others are one process each). */
    public static final List<String> SCALABLE = List.of("trainer", "inference");
    public static final int MAX_REPLICAS = 8;

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m)?");

    public LocalPlatformOptions {
        repoDir = repoDir.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
        services = List.copyOf(services);
        serviceJvmOptions = List.copyOf(serviceJvmOptions);
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    public Path blobDir() {
        return workDir.resolve("blobs");
    }

    /** The defaults: what {@code ladd-local} with no option starts. */
    public static LocalPlatformOptions defaults() {
        try {
            return parse();
        } catch (OptionsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy that starts the given services (none: only PostgreSQL and Kafka). */
    public LocalPlatformOptions withServices(List<ServiceSpec> newServices) {
        return new LocalPlatformOptions(repoDir, workDir, postgresPort, kafkaPort, kafkaControllerPort, kafkaHeap,
                newServices, healthTimeout, serveTimeout, serviceJvmOptions, demoRun);
    }

    public static boolean isHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    public static LocalPlatformOptions parse(String... args) throws OptionsException {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> known = knownKeys();
        for (String arg : args) {
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new OptionsException("unexpected argument '" + arg + "': options look like --key=value");
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!known.contains(key)) {
                throw new OptionsException("unknown option --" + key + "");
            }
            if (eq < 0) {
                throw new OptionsException("option --" + key + " needs a value: --" + key + "=...");
            }
            values.put(key, arg.substring(eq + 1).trim());
        }

        Path repoDir = values.containsKey("repo-dir") ? path("repo-dir", values.get("repo-dir")) : RepoLocator.locate();
        Path workDir = values.containsKey("work-dir") ? path("work-dir", values.get("work-dir")) : repoDir.resolve(".work");
        int pgPort = port(values, "pg-port", DEFAULT_POSTGRES_PORT);
        int kafkaPort = port(values, "kafka-port", DEFAULT_KAFKA_PORT);
        int controllerPort = port(values, "kafka-controller-port", kafkaPort + 1);
        String kafkaHeap = heap(values, "kafka-heap", DEFAULT_KAFKA_HEAP);
        String serviceHeap = heap(values, "heap", DEFAULT_SERVICE_HEAP);
        int basePort = port(values, "base-port", ServiceSpec.DEFAULT_BASE_PORT);
        Duration healthTimeout = duration(values, "health-timeout", DEFAULT_HEALTH_TIMEOUT);
        Duration serveTimeout = duration(values, "serve-timeout", DEFAULT_SERVE_TIMEOUT);

        Set<String> selected = selectServices(values.getOrDefault("services", "all"));
        List<ServiceSpec> services = new ArrayList<>();
        for (int i = 0; i < ServiceSpec.ALL.size(); i++) {
            String name = ServiceSpec.ALL.get(i);
            String shortName = ServiceSpec.shortName(name);
            int servicePort = port(values, shortName + "-port", basePort + i);
            String heap = heap(values, shortName + "-heap", serviceHeap);
            if (selected.contains(name)) {
                int replicas = replicas(values, shortName);
                for (int replica = 1; replica <= replicas; replica++) {
                    int replicaPort = servicePort + (replica - 1) * ServiceSpec.REPLICA_PORT_STEP;
                    if (replicaPort > 65535) {
                        throw new OptionsException("replica " + replica + " of " + name + " would listen on port "
                                + replicaPort + ", out of range: give --" + shortName + "-port a lower port");
                    }
                    services.add(new ServiceSpec(name, replicaPort, heap, replica));
                }
            } else if (values.containsKey(shortName + "-replicas")) {
                throw new OptionsException("--" + shortName + "-replicas is given but --services does not start " + name);
            }
        }

        Map<Integer, String> ports = new LinkedHashMap<>();
        claim(ports, pgPort, "PostgreSQL (--pg-port)");
        claim(ports, kafkaPort, "Kafka (--kafka-port)");
        claim(ports, controllerPort, "the Kafka controller (--kafka-controller-port)");
        for (ServiceSpec service : services) {
            claim(ports, service.port(), service.id() + (service.replica() == 1
                    ? " (--" + service.shortName() + "-port or --base-port)"
                    : " (--" + service.shortName() + "-port + " + (service.replica() - 1) * ServiceSpec.REPLICA_PORT_STEP + ")"));
        }
        String demo = values.getOrDefault("demo-run", "true");
        if (!demo.equals("true") && !demo.equals("false")) {
            throw new OptionsException("--demo-run=" + demo + " must be true or false");
        }
        return new LocalPlatformOptions(repoDir, workDir, pgPort, kafkaPort, controllerPort, kafkaHeap, services,
                healthTimeout, serveTimeout, jvmOptions(values.getOrDefault("service-jvm-options", DEFAULT_SERVICE_JVM_OPTIONS)),
                demo.equals("true"));
    }

    private static Set<String> knownKeys() {
        Set<String> keys = new LinkedHashSet<>(List.of("repo-dir", "work-dir", "pg-port", "kafka-port",
                "kafka-controller-port", "kafka-heap", "services", "base-port", "heap", "health-timeout", "serve-timeout",
                "service-jvm-options", "demo-run"));
        for (String name : ServiceSpec.ALL) {
            keys.add(ServiceSpec.shortName(name) + "-port");
            keys.add(ServiceSpec.shortName(name) + "-heap");
        }
        keys.addAll(SCALABLE.stream().map(shortName -> shortName + "-replicas").toList());
        return keys;
    }

    /**
     * How many processes of a service to start: {@code --trainer-replicas} and {@code --inference-replicas}, 1 to
     * {@value #MAX_REPLICAS}; 1 for the others. Replica r listens on the service's port + (r - 1) × 10.
     */
    private static int replicas(Map<String, String> values, String shortName) throws OptionsException {
        String value = values.get(shortName + "-replicas");
        if (value == null) {
            return 1;
        }
        int replicas;
        try {
            replicas = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new OptionsException("--" + shortName + "-replicas=" + value + " is not a number of replicas (1 to "
                    + MAX_REPLICAS + ")");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new OptionsException("--" + shortName + "-replicas=" + value + " is out of range: 1 to " + MAX_REPLICAS);
        }
        return replicas;
    }

    private static Set<String> selectServices(String value) throws OptionsException {
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("all")) {
            return new LinkedHashSet<>(ServiceSpec.ALL);
        }
        Set<String> selected = new LinkedHashSet<>();
        if (trimmed.equals("none")) {
            return selected;
        }
        for (String item : trimmed.split(",")) {
            String name = item.trim();
            if (name.isEmpty()) {
                continue;
            }
            String full = name.endsWith("-service") ? name : name + "-service";
            if (!ServiceSpec.ALL.contains(full)) {
                throw new OptionsException("unknown service '" + name + "' in --services; use all, none or a comma list of "
                        + String.join(", ", ServiceSpec.ALL.stream().map(ServiceSpec::shortName).toList()));
            }
            selected.add(full);
        }
        if (selected.isEmpty()) {
            throw new OptionsException("--services is empty; use all, none or a comma list such as gateway,teacher");
        }
        return selected;
    }

    /** JVM options separated by spaces; each must start with '-' (a stray word would become the main class). */
    private static List<String> jvmOptions(String value) throws OptionsException {
        List<String> options = new ArrayList<>();
        for (String option : value.trim().split("\\s+")) {
            if (option.isEmpty()) {
                continue;
            }
            if (!option.startsWith("-")) {
                throw new OptionsException("--service-jvm-options: '" + option + "' is not a JVM option (they start with"
                        + " '-', e.g. --service-jvm-options=\"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\")");
            }
            options.add(option);
        }
        return options;
    }

    private static void claim(Map<Integer, String> ports, int port, String owner) throws OptionsException {
        String other = ports.putIfAbsent(port, owner);
        if (other != null) {
            throw new OptionsException("port " + port + " is given to both " + other + " and " + owner);
        }
    }

    private static Path path(String key, String value) throws OptionsException {
        if (value.isEmpty()) {
            throw new OptionsException("--" + key + " needs a path");
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new OptionsException("--" + key + "=" + value + " is not a valid path");
        }
    }

    private static int port(Map<String, String> values, String key, int fallback) throws OptionsException {
        String value = values.get(key);
        int port;
        if (value == null) {
            port = fallback;
        } else {
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new OptionsException("--" + key + "=" + value + " is not a port number");
            }
        }
        if (port < 1 || port > 65535) {
            throw new OptionsException((value == null ? "the default of --" + key + " (" + port + ")" : "--" + key + "=" + value)
                    + " is out of range: a port is 1 to 65535");
        }
        return port;
    }

    private static String heap(Map<String, String> values, String key, String fallback) throws OptionsException {
        String value = values.getOrDefault(key, fallback);
        if (!HEAP.matcher(value).matches()) {
            throw new OptionsException("--" + key + "=" + value + " is not a heap size; use e.g. 512m or 2g");
        }
        return value;
    }

    private static Duration duration(Map<String, String> values, String key, Duration fallback) throws OptionsException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new OptionsException("--" + key + "=" + value + " is not a duration; use seconds (180) or 180s, 3m, 500ms");
        }
        Duration duration;
        try {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            duration = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new OptionsException("--" + key + "=" + value + " is too large");
        }
        if (duration.isZero()) {
            throw new OptionsException("--" + key + " must be more than zero");
        }
        return duration;
    }

    public static String help() {
        return """
                Usage: ladd-local [--no-build] [--key=value ...]
                   or: java -jar local-launcher/target/local-launcher-0.1.0-SNAPSHOT.jar [--key=value ...]

                Starts the LADD platform on this machine: PostgreSQL, a Kafka broker and the five services,
                each a real process, no Docker. Ctrl-C stops everything. Data survives restarts.

                Options (all optional):
                  --work-dir=PATH            data, blobs and logs              (default: <repo>/.work)
                  --repo-dir=PATH            the checkout holding the jars     (default: found from the launcher jar)
                  --services=LIST            all, none, or a comma list such as gateway,teacher  (default: all)
                  --pg-port=N                PostgreSQL                        (default: 15432)
                  --kafka-port=N             Kafka broker                      (default: 19092)
                  --kafka-controller-port=N  Kafka KRaft controller            (default: kafka port + 1)
                  --kafka-heap=SIZE          Kafka's -Xmx                      (default: 512m)
                  --base-port=N              first service port; the others follow in order
                                             gateway, teacher, trainer, eval, inference  (default: 8080)
                  --<service>-port=N         one service's port, e.g. --gateway-port=9080
                  --heap=SIZE                every service's -Xmx              (default: 512m)
                  --<service>-heap=SIZE      one service's -Xmx, e.g. --teacher-heap=1g
                  --trainer-replicas=N       trainer processes (1 to 8; each trains one run at a
                                             time, a run held by one at a time)   (default: 1)
                  --inference-replicas=N     inference processes (1 to 8), each following the promoted
                                             model; the gateway spreads image requests over them
                                             round-robin             (default: 1)
                                             replica r listens on the service's port + (r-1)*10
                  --health-timeout=TIME      how long Kafka and the services may take to become ready:
                                             seconds, or 180s, 3m              (default: 180s)
                  --serve-timeout=TIME       how long alias 'default' may then take to serve an
                                             image (the committed default student in
                                             models/default-student)           (default: 120s)
                  --service-jvm-options=OPTS JVM options of every service, separated by spaces; empty:
                                             the JVM's defaults   (default: "-XX:TieredStopAtLevel=1
                                             -XX:+UseSerialGC", the client compiler only and the serial
                                             collector: the services start with less than half the CPU
                                             time, docs/adr/014)
                  --demo-run=true|false      start the demo LADD run when the platform is up and has
                                             no run yet (needs gateway, teacher, trainer)  (default: true)
                  --help                     this text

                Only ladd-local itself knows --no-build: it skips './mvnw -B -q -DskipTests install'.
                'ladd-local chaos --help': the fault-injection suite over this platform (docs/reliability.md).
                """;
    }
}
