package dev.ladd.deploy;

import dev.ladd.local.LocalPlatformOptions;
import dev.ladd.local.Ports;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployment running on this machine: a fresh Kafka broker, its database accounts on the PostgreSQL server, then its
 * five services as {@link Container}s, each with exactly the environment the deployment gives it (ports remapped by
 * {@link Network}), started in the deployment's order (compose: {@code depends_on} … {@code service_healthy}) and
 * ready by the deployment's own check (compose's health check command, the chart's readiness probe).
 */
final class DeploymentRun implements AutoCloseable {

    /**
     * What the test adds before the image's JVM flags: the launcher's flags for a fast start on few cores (client
     * compiler, serial collector; docs/adr/014) and a 1 GiB container memory limit, which the image's
     * MaxRAMPercentage=75 turns into a 768 MiB heap.
     */
    static final List<String> JVM_OPTIONS;

    static {
        List<String> options = new ArrayList<>(List.of(LocalPlatformOptions.DEFAULT_SERVICE_JVM_OPTIONS.split(" ")));
        options.add("-XX:MaxRAM=1g");
        JVM_OPTIONS = List.copyOf(options);
    }

    static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("ladd.deploy.ready-timeout-s", 300));

    private final Deployment deployment;
    private final Infrastructure infrastructure;
    private final Network network;
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Instant began = Instant.now();
    private final PrintStream out;
    private final Path djlCache;

    private DeploymentRun(Deployment deployment, Infrastructure infrastructure, Network network, Path djlCache,
                          PrintStream out) {
        this.deployment = deployment;
        this.djlCache = djlCache;
        this.infrastructure = infrastructure;
        this.network = network;
        this.out = out;
    }

    /**
     * Starts it all and returns once every service is ready; on failure stops what started and says why.
     *
     * @param djlCache where the first run leaves libtorch as DJL unpacked it and later runs take it from (each
     *                 container unpacks it from the image at start otherwise: ~430 MB, 10-15 s on 2 busy cores)
     */
    static DeploymentRun start(Deployment deployment, Infrastructure infrastructure, Path dir, Path djlCache,
                               PrintStream out) throws Exception {
        ServiceImage.deleteTree(dir);
        Instant t = Instant.now();
        infrastructure.reset();
        infrastructure.provision(deployment.accounts());
        infrastructure.createServiceRoles(deployment.roles());
        infrastructure.startKafka();
        out.printf("%s: Kafka on %d, PostgreSQL on %d (%s)%n", deployment.name(), infrastructure.kafkaPort(),
                infrastructure.postgresPort(), seconds(Duration.between(t, Instant.now())));
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(Deployment.KAFKA, infrastructure.kafkaPort());
        ports.put(Deployment.POSTGRES, infrastructure.postgresPort());
        deployment.workloads().forEach(w -> {
            ports.put(w.name(), Ports.freePort());
            ports.put(Network.management(w.name()), Ports.freePort());
        });
        Network network = new Network(deployment, ports);
        DeploymentRun run = new DeploymentRun(deployment, infrastructure, network, djlCache, out);
        try {
            run.startAll(dir, network.writeHostsFile(dir.resolve("hosts")));
            return run;
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
    }

    private void startAll(Path dir, Path hosts) throws Exception {
        List<Deployment.Workload> waiting = new ArrayList<>(deployment.workloads());
        Map<String, Instant> startedAt = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (readyAfter.size() < deployment.workloads().size()) {
            for (Deployment.Workload workload : List.copyOf(waiting)) {
                if (readyAfter.keySet().containsAll(workload.dependsOn())) {
                    List<String> changes = new ArrayList<>();
                    Map<String, String> env = network.environment(workload, changes);
                    environments.put(workload.name(), env);
                    out.printf("%s: starting %s (%s) on port %d; remapped: %s%n", deployment.name(), workload.name(),
                            workload.service(), network.port(workload.name()), changes);
                    containers.put(workload.name(), Container.start(workload, ServiceImage.of(workload.service()), env,
                            dir.resolve(workload.name()), hosts, dir.resolve("volumes"), JVM_OPTIONS, djlCache));
                    startedAt.put(workload.name(), Instant.now());
                    waiting.remove(workload);
                }
            }
            for (Container container : containers.values()) {
                String name = container.workload().name();
                if (readyAfter.containsKey(name)) {
                    continue;
                }
                if (!container.isAlive()) {
                    throw new AssertionError(deployment.name() + ": " + name + " exited with code " + container.exitValue()
                            + " while starting; " + container.log() + ":\n" + container.logTail(40));
                }
                if (isReady(container)) {
                    readyAfter.put(name, Duration.between(startedAt.get(name), Instant.now()));
                    out.printf("%s: %s ready after %s%n", deployment.name(), name, seconds(readyAfter.get(name)));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                StringBuilder message = new StringBuilder(deployment.name() + ": not ready within " + READY_TIMEOUT.toSeconds() + " s:");
                containers.values().stream().filter(c -> !readyAfter.containsKey(c.workload().name()))
                        .forEach(c -> message.append("\n\n").append(c.workload().name()).append(" (").append(c.log())
                                .append("):\n").append(c.logTail(30)));
                throw new AssertionError(message.toString());
            }
            Thread.sleep(500);
        }
    }

    /** The deployment's own readiness check: compose's health check command, or the chart's readiness probe. */
    private boolean isReady(Container container) throws IOException, InterruptedException {
        Deployment.Workload workload = container.workload();
        if (workload.readiness().command() != null) {
            ProcessBuilder check = new ProcessBuilder(workload.readiness().command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            check.environment().putAll(environments.get(workload.name()));
            Process process = check.start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        }
        return status(workload.name(), workload.readiness().httpPath()) == 200;
    }

    /** The status of a GET to a workload's port, as its probe sends it; 0 while nothing answers. */
    private int status(String workload, String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.port(workload) + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A request to the gateway with the deployment's admin key. */
    HttpResponse<String> gateway(String method, String path, String json) throws IOException, InterruptedException {
        Deployment.Workload gateway = deployment.ofService("gateway-service");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.port(gateway.name()) + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + gateway.environment().get("LADD_GATEWAY_ADMIN_KEY"))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET straight to a workload, without a key or the service token: on its API port or its management port. */
    HttpResponse<String> direct(String workload, boolean management, String path) throws IOException, InterruptedException {
        int port = network.port(management ? Network.management(workload) : workload);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    List<Container> containers() {
        return List.copyOf(containers.values());
    }

    Map<String, Duration> readyAfter() {
        return readyAfter;
    }

    Duration elapsed() {
        return Duration.between(began, Instant.now());
    }

    /** Stops the services (SIGTERM, all at once), then Kafka; keeps the first libtorch unpacked for later runs. */
    @Override
    public void close() {
        Instant t = Instant.now();
        containers.values().parallelStream().forEach(c -> c.stop(Duration.ofSeconds(30)));
        out.printf("%s: services stopped in %s%n", deployment.name(), seconds(Duration.between(t, Instant.now())));
        infrastructure.stopKafka();
        if (djlCache != null && !Files.isDirectory(djlCache)) {
            for (Container container : containers.values()) {
                Path cache = container.djlCache();
                if (cache != null && Files.isDirectory(cache.resolve("pytorch"))) {
                    try {
                        Path part = djlCache.resolveSibling(djlCache.getFileName() + ".part");
                        ServiceImage.deleteTree(part);
                        Container.linkTree(cache, part, 0, 0);
                        Files.move(part, djlCache);
                    } catch (IOException e) {
                        out.println("could not keep the DJL cache for later runs: " + e);
                    }
                    break;
                }
            }
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
