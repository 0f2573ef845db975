package dev.ladd.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The whole LADD platform on one machine, with real parts and no Docker: PostgreSQL (zonky's embedded binaries), a
 * Kafka broker in a child JVM, and the five services as child JVMs. {@link #main} runs it until Ctrl-C; tests use
 * {@link #start(LocalPlatformOptions)} and {@link #close()}.
 *
 * <p>Start order: PostgreSQL, Kafka, then all services at once, waiting for each one's readiness probe. Stop order
 * is the reverse. A service or the broker that exits by itself afterwards is restarted with back-off
 * ({@link Supervisor}). {@link #close()} may be called at any time, also while {@link #startAll()} is still running on
 * another thread (Ctrl-C during start-up), and leaves no process behind.
 */
public final class LocalPlatform implements AutoCloseable {

    /** The database the services use. */
    public static final String DATABASE = "ladd";

    private final LocalPlatformOptions options;
    private final PrintStream out;
    private final Path javaCommand = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Instant createdAt = Instant.now();

    private final Object lock = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean started;
    private boolean closing;
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Supervisor supervisor;

    private Duration postgresTime = Duration.ZERO;
    private Duration kafkaTime = Duration.ZERO;
    private Duration servicesTime = Duration.ZERO;
    private Duration totalTime = Duration.ZERO;
    private Map<String, Duration> serviceTimes = Map.of();
    private String demoRun;
    private String defaultAlias;

    public LocalPlatform(LocalPlatformOptions options) {
        this(options, System.out);
    }

    public LocalPlatform(LocalPlatformOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.supervisor = new Supervisor(out, this::isClosing);
    }

    /** Starts everything the options ask for and returns once all of it is ready; on failure stops what started. */
    public static LocalPlatform start(LocalPlatformOptions options) {
        return start(options, System.out);
    }

    public static LocalPlatform start(LocalPlatformOptions options, PrintStream out) {
        LocalPlatform platform = new LocalPlatform(options, out);
        try {
            platform.startAll();
            return platform;
        } catch (RuntimeException | Error e) {
            platform.close();
            throw e;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The command line: parse, start, print the addresses, then wait for Ctrl-C. Returns the exit code. */
    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("chaos")) {
            return dev.ladd.local.chaos.ChaosCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (LocalPlatformOptions.isHelp(args)) {
            System.out.print(LocalPlatformOptions.help());
            return 0;
        }
        LocalPlatformOptions options;
        try {
            options = LocalPlatformOptions.parse(args);
        } catch (OptionsException e) {
            System.err.println("ladd-local: " + e.getMessage());
            System.err.println("Run with --help to see the options.");
            return 2;
        }
        LocalPlatform platform = new LocalPlatform(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "ladd-local-stop"));
        try {
            platform.startAll();
        } catch (StartupException.Aborted e) {
            platform.awaitStopped();
            return 130;
        } catch (StartupException e) {
            if (platform.isClosing()) { // Ctrl-C while starting: the processes died because we stopped them
                platform.awaitStopped();
                return 130;
            }
            System.err.println();
            System.err.println("ladd-local: start-up failed: " + e.getMessage());
            platform.close();
            return 1;
        }
        System.out.print(platform.summary());
        platform.awaitStopped();
        return 0;
    }

    /** Starts PostgreSQL, Kafka and the chosen services, in that order; returns when all are ready. */
    public void startAll() {
        synchronized (lock) {
            if (started || closing) {
                throw new IllegalStateException("a LocalPlatform starts once");
            }
            started = true;
        }
        Instant begin = Instant.now();
        checkServiceJars();
        Path runDir = options.workDir().resolve("run");
        createDirectories(options.workDir(), options.logDir(), options.blobDir(), runDir);
        out.println("LADD local platform: work folder " + options.workDir() + ", logs in " + options.logDir());
        Path pgData = options.workDir().resolve("postgres");
        StaleProcesses.reap(runDir, out);
        PostgresServer.stopStalePostmaster(pgData, out);
        checkPortsFree();

        out.printf("PostgreSQL   starting on port %d ...%n", options.postgresPort());
        Instant t = Instant.now();
        PostgresServer pg = PostgresServer.start(pgData, options.workDir().resolve("postgres-bin"),
                options.postgresPort(), options.logDir().resolve("postgres.log"), DATABASE);
        adopt(pg, () -> postgres = pg);
        postgresTime = Duration.between(t, Instant.now());
        out.printf("PostgreSQL   ready in %s (%s)%n", HealthWaiter.seconds(postgresTime),
                pg.initializedDataDirectory() ? "new data directory" : "existing data re-used");

        out.printf("Kafka        starting on localhost:%d ...%n", options.kafkaPort());
        t = Instant.now();
        KafkaBroker broker = KafkaBroker.start(javaCommand, childClasspath(), options.workDir().resolve("kafka"),
                options.logDir(), runDir, options.kafkaPort(), options.kafkaControllerPort(), options.kafkaHeap());
        adopt(broker, () -> kafka = broker);
        broker.awaitReady(options.healthTimeout(), this::isClosing);
        kafkaTime = Duration.between(t, Instant.now());
        out.printf("Kafka        ready in %s%n", HealthWaiter.seconds(kafkaTime));

        if (!options.services().isEmpty()) {
            out.printf("Services     starting %s ...%n",
                    String.join(", ", options.services().stream().map(ServiceSpec::id).toList()));
            t = Instant.now();
            List<ServiceProcess> startedServices = new ArrayList<>();
            for (ServiceSpec spec : options.services()) {
                ServiceProcess service = ServiceProcess.start(spec, javaCommand, options);
                adopt(service, () -> services.add(service));
                startedServices.add(service);
            }
            serviceTimes = new HealthWaiter(options.healthTimeout(), this::isClosing, out).awaitReady(startedServices);
            servicesTime = Duration.between(t, Instant.now());
            DefaultAlias alias = new DefaultAlias(options, startedServices, this::isClosing, out);
            defaultAlias = alias.notWaitedFor().orElse(null);
            if (defaultAlias == null) {
                Duration took = alias.awaitImage();
                defaultAlias = "serves images (ready " + HealthWaiter.seconds(took) + " after the services)";
            }
        }
        totalTime = Duration.between(begin, Instant.now());
        if (options.demoRun()) {
            demoRun = DemoRun.startIfNone(options, out);
        }
        // a part that dies by itself from now on is restarted with back-off (the rest keeps running)
        supervisor.watch(broker.process(), () -> restartKafka(runDir));
        List.copyOf(services).forEach(service -> supervisor.watch(service.process(), () -> restart(service.spec())));
    }

    /** A service again, in place of the one that exited; null when the platform is stopping. */
    private ChildProcess restart(ServiceSpec spec) {
        awaitHold(spec.id());
        synchronized (lock) {
            if (closing) {
                return null;
            }
            ServiceProcess service = ServiceProcess.start(spec, javaCommand, options);
            services.removeIf(s -> s.spec().equals(spec));
            services.add(service);
            return service.process();
        }
    }

    /** The Kafka broker again, on the same port and data folder; null when the platform is stopping. */
    private ChildProcess restartKafka(Path runDir) {
        awaitHold(KAFKA);
        synchronized (lock) {
            if (closing) {
                return null;
            }
            kafka = KafkaBroker.start(javaCommand, childClasspath(), options.workDir().resolve("kafka"),
                    options.logDir(), runDir, options.kafkaPort(), options.kafkaControllerPort(), options.kafkaHeap());
            return kafka.process();
        }
    }

    /** The name of the Kafka broker for {@link #holdRestart}. */
    public static final String KAFKA = "kafka";

    private final Map<String, Instant> holds = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Fault injection ({@code chaos}): a part (a service id such as {@code trainer-service-2}, or {@link #KAFKA}) that
     * exits before {@code until} is restarted no earlier than then, so that it stays down for a set time.
     */
    public void holdRestart(String id, Instant until) {
        holds.put(id, until);
    }

    /** Waits while a hold on {@code id} lasts (it may be moved, e.g. released early, meanwhile), then drops it. */
    private void awaitHold(String id) {
        Instant until;
        while ((until = holds.get(id)) != null && Instant.now().isBefore(until) && !isClosing()) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        holds.remove(id);
    }

    /** Fault injection: SIGKILL of a running service process by id ({@link ServiceSpec#id()}); its pid. */
    public long kill(String serviceId) {
        ChildProcess process;
        synchronized (lock) {
            process = services.stream().filter(s -> s.spec().id().equals(serviceId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no service " + serviceId)).process();
        }
        process.handle().destroyForcibly();
        return process.pid();
    }

    /** Fault injection: the Kafka broker stopped (SIGTERM, as an operator would) and started again after {@code down}. */
    public void stopKafkaFor(Duration down) {
        KafkaBroker broker;
        synchronized (lock) {
            broker = kafka;
        }
        holdRestart(KAFKA, Instant.now().plus(down));
        broker.process().stop(ChildProcess.DEFAULT_GRACE);
    }

    /** Fault injection: PostgreSQL stopped (fast shutdown) and started again, same port and data, after {@code down}. */
    public void stopPostgresFor(Duration down) {
        PostgresServer pg;
        synchronized (lock) {
            pg = postgres;
        }
        pg.close();
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PostgresServer again = PostgresServer.start(options.workDir().resolve("postgres"),
                options.workDir().resolve("postgres-bin"), options.postgresPort(), options.logDir().resolve("postgres.log"),
                DATABASE);
        synchronized (lock) {
            postgres = again;
        }
    }

    /** Whether the service process with this id is running now (false while it is down or being restarted). */
    public boolean isRunning(String serviceId) {
        synchronized (lock) {
            return services.stream().anyMatch(s -> s.spec().id().equals(serviceId) && s.process().isAlive());
        }
    }

    /** Keeps a started part so that {@link #close()} stops it, unless the platform is already stopping. */
    private void adopt(AutoCloseable part, Runnable keep) {
        synchronized (lock) {
            if (!closing) {
                keep.run();
                return;
            }
        }
        closeQuietly(part);
        throw new StartupException.Aborted();
    }

    private void checkServiceJars() {
        List<String> missing = new ArrayList<>();
        for (ServiceSpec service : options.services()) {
            Path jar = service.jar(options.repoDir());
            if (!Files.isRegularFile(jar)) {
                missing.add("  " + jar);
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupException("service jar(s) not found:\n" + String.join("\n", missing)
                    + "\nBuild them first: cd " + options.repoDir() + " && ./mvnw -B -DskipTests install"
                    + "\n(./ladd-local does that for you unless given --no-build; --services=none starts only PostgreSQL and Kafka)");
        }
    }

    private void checkPortsFree() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(options.postgresPort(), "PostgreSQL, --pg-port");
        ports.put(options.kafkaPort(), "Kafka, --kafka-port");
        ports.put(options.kafkaControllerPort(), "Kafka controller, --kafka-controller-port");
        for (ServiceSpec service : options.services()) {
            ports.put(service.port(), service.id() + ", --" + service.shortName() + "-port");
        }
        List<String> busy = new ArrayList<>();
        ports.forEach((port, owner) -> {
            if (!Ports.isFree(port)) {
                busy.add("  " + port + " (" + owner + ")");
            }
        });
        if (!busy.isEmpty()) {
            throw new StartupException("port(s) already in use:\n" + String.join("\n", busy)
                    + "\nIs another ladd-local (or a PostgreSQL/Kafka/service) still running? Stop it, or choose other"
                    + " ports (see --help).");
        }
    }

    private static void createDirectories(Path... dirs) {
        for (Path dir : dirs) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StartupException("could not create " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The classpath of the Kafka JVM: the {@code lib/} folder beside the launcher jar (copy-dependencies), or, when
     * the launcher runs from classes (tests, an IDE), this JVM's own classpath, which holds the same dependencies.
     */
    static String childClasspath() {
        Path code = RepoLocator.codeLocation();
        if (Files.isRegularFile(code) && code.getParent() != null) {
            Path lib = code.getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                return lib + File.separator + "*";
            }
        }
        return System.getProperty("java.class.path");
    }

    /**
     * Stops the services (SIGTERM, up to 20 s, then SIGKILL), then Kafka, then PostgreSQL, then any other process
     * this platform left behind. Safe to call more than once, from any thread, also half-way through start-up.
     */
    @Override
    public void close() {
        boolean first;
        List<ServiceProcess> toStop;
        KafkaBroker broker;
        PostgresServer pg;
        synchronized (lock) {
            first = !closing;
            closing = true;
            toStop = List.copyOf(services);
            broker = kafka;
            pg = postgres;
        }
        if (!first) {
            awaitStopped();
            return;
        }
        supervisor.close();
        try {
            boolean anything = !toStop.isEmpty() || broker != null || pg != null;
            if (anything) {
                out.println("Stopping the LADD local platform ...");
            }
            if (!toStop.isEmpty()) {
                toStop.forEach(s -> s.process().signalStop());
                Instant deadline = Instant.now().plus(ChildProcess.DEFAULT_GRACE);
                for (ServiceProcess service : toStop) {
                    if (!service.process().awaitStop(deadline)) {
                        out.println("  " + service.name() + " did not stop within "
                                + ChildProcess.DEFAULT_GRACE.toSeconds() + " s and was killed");
                    }
                }
                out.println("  services stopped");
            }
            if (broker != null) {
                if (!broker.process().stop(ChildProcess.DEFAULT_GRACE)) {
                    out.println("  Kafka did not stop within " + ChildProcess.DEFAULT_GRACE.toSeconds() + " s and was killed");
                }
                out.println("  Kafka stopped");
            }
            if (pg != null) {
                closeQuietly(pg);
                out.println("  PostgreSQL stopped");
            }
            killLeftovers();
            if (anything) {
                out.println("Stopped.");
            }
        } finally {
            stopped.countDown();
        }
    }

    /** Any process this JVM started since this platform was created and that still runs. */
    private void killLeftovers() {
        Instant since = createdAt.minusSeconds(2); // start instants are only as exact as the boot time
        List<ProcessHandle> leftovers = ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant().map(s -> !s.isBefore(since)).orElse(true))
                .toList();
        for (ProcessHandle leftover : leftovers) {
            out.println("  stopping left-over process " + leftover.pid() + " " + leftover.info().command().orElse(""));
            leftover.destroy();
        }
        for (ProcessHandle leftover : leftovers) {
            try {
                leftover.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                leftover.destroyForcibly();
            }
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            // stopping: nothing better to do
        }
    }

    public boolean isClosing() {
        synchronized (lock) {
            return closing;
        }
    }

    /** Blocks until {@link #close()} has finished (on any thread). */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public LocalPlatformOptions options() {
        return options;
    }

    /** {@code jdbc:postgresql://localhost:<port>/ladd}; user postgres, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + options.postgresPort() + "/" + DATABASE;
    }

    /** The gateway's bootstrap admin key (owner-only file in the work folder). */
    public String adminKey() {
        return GatewayAdminKey.get(options);
    }

    /** The service token the internal services require, and the header that carries it. */
    public String serviceToken() {
        return ServiceTokenFile.get(options);
    }

    public static final String SERVICE_TOKEN_HEADER = ServiceTokenFile.HEADER;

    public String kafkaBootstrapServers() {
        return "localhost:" + options.kafkaPort();
    }

    /** The pids of every process started for the platform and still known: PostgreSQL, Kafka, the services. */
    public List<Long> pids() {
        synchronized (lock) {
            List<Long> pids = new ArrayList<>();
            if (postgres != null && postgres.postmasterPid() > 0) {
                pids.add(postgres.postmasterPid());
            }
            if (kafka != null) {
                pids.add(kafka.process().pid());
            }
            services.forEach(s -> pids.add(s.process().pid()));
            return pids;
        }
    }

    /** True when this start ran initdb; false when PostgreSQL re-used the data of an earlier start. */
    public boolean postgresInitialized() {
        synchronized (lock) {
            return postgres != null && postgres.initializedDataDirectory();
        }
    }

    /** Whether alias 'default' serves images (how long it took after the services), or why it was not waited for. */
    public String defaultAlias() {
        return defaultAlias;
    }

    /** What became of the demo run: its id and address, why it was not started, or null if not asked for. */
    public String demoRun() {
        return demoRun;
    }

    /** From {@link #startAll()} to everything ready. */
    public Duration startupTime() {
        return totalTime;
    }

    public Duration postgresStartupTime() {
        return postgresTime;
    }

    public Duration kafkaStartupTime() {
        return kafkaTime;
    }

    /** What {@link #main} prints once everything is ready. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("\n========================================================================\n");
        text.append(String.format("LADD platform is up in %s  (PostgreSQL %s, Kafka %s, services %s)%n",
                HealthWaiter.seconds(totalTime), HealthWaiter.seconds(postgresTime), HealthWaiter.seconds(kafkaTime),
                HealthWaiter.seconds(servicesTime)));
        text.append('\n');
        if (defaultAlias != null) {
            text.append(line("Alias 'default'", defaultAlias));
        }
        for (ServiceSpec service : options.services()) {
            if (service.name().equals("gateway-service")) {
                text.append(line("First image", "curl -s " + service.baseUrl() + "/v1/images/generations -H \"Authorization:"
                        + " Bearer $(cat " + GatewayAdminKey.file(options) + ")\" -H 'Content-Type: application/json' -d '"
                        + DefaultAlias.REQUEST + "'"));
                text.append(line("Gateway", service.baseUrl() + "/"));
                text.append(line("API docs", service.baseUrl() + "/swagger-ui.html"));
                // the key itself is never printed: terminals and CI logs keep what they show
                text.append(line("Admin API key", "in " + GatewayAdminKey.file(options)
                        + " (owner-only); send 'Authorization: Bearer <key>'"));
            }
        }
        for (ServiceSpec service : options.services()) {
            Duration took = serviceTimes.get(service.id());
            boolean gateway = service.name().equals("gateway-service");
            text.append(line(service.id(), service.baseUrl() + (gateway ? "/readyz" : "/actuator/health")
                    + (took == null ? "" : "   (ready after " + HealthWaiter.seconds(took) + ")")));
            text.append(line("", service.baseUrl() + "/actuator/prometheus" + (gateway ? "   (with the admin key)"
                    : "   (this machine only; its API wants the service token)")));
        }
        text.append(line("Service token", "in " + ServiceTokenFile.file(options) + " (owner-only), for calling teacher,"
                + " trainer, eval or inference directly: header " + ServiceTokenFile.HEADER));
        text.append(line("Kafka", kafkaBootstrapServers()));
        text.append(line("PostgreSQL", jdbcUrl() + "   (user postgres, no password)"));
        if (demoRun != null) {
            text.append(line("Demo run", demoRun));
        }
        text.append(line("Logs", options.logDir().toString()));
        text.append(line("Data", options.workDir().toString()));
        text.append("\nPress Ctrl-C to stop everything.\n");
        text.append("========================================================================\n");
        return text.toString();
    }

    private static String line(String label, String value) {
        return String.format("  %-18s %s%n", label, value);
    }
}
