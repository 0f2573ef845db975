package dev.ladd.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One platform service: its Spring Boot jar running in a child JVM, wired to the local PostgreSQL and Kafka. */
public final class ServiceProcess implements AutoCloseable {

    /** The summary of a failed numerical backend self-check in a readiness answer (platform-support's indicator). */
    private static final Pattern BROKEN_BACKEND =
            Pattern.compile("\"numericalBackend\":\\{\"status\":\"DOWN\".*?\"summary\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final ServiceSpec spec;
    private final ChildProcess process;
    private final Instant startedAt;

    private ServiceProcess(ServiceSpec spec, ChildProcess process, Instant startedAt) {
        this.spec = spec;
        this.process = process;
        this.startedAt = startedAt;
    }

    static ServiceProcess start(ServiceSpec spec, Path java, LocalPlatformOptions options) {
        Path logFile = options.logDir().resolve(spec.id() + ".log");
        Instant startedAt = Instant.now();
        ChildProcess process = ChildProcess.start(spec.id(), command(spec, java, options), environment(spec, options),
                options.repoDir(), logFile, options.workDir().resolve("run").resolve(spec.id() + ".pid"));
        return new ServiceProcess(spec, process, startedAt);
    }

    /**
     * The secrets a service gets, in its environment: the service token (all of them), the admin key (the gateway).
     * Never on the command line: {@code ps} shows that to every user, and the launcher writes it into the log.
     */
    static Map<String, String> environment(ServiceSpec spec, LocalPlatformOptions options) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(ServiceTokenFile.ENVIRONMENT_VARIABLE, ServiceTokenFile.get(options));
        if (spec.name().equals("gateway-service")) {
            environment.put(GatewayAdminKey.ENVIRONMENT_VARIABLE, GatewayAdminKey.get(options));
        }
        return environment;
    }

    static List<String> command(ServiceSpec spec, Path java, LocalPlatformOptions options) {
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx" + spec.heap()));
        command.addAll(options.serviceJvmOptions());
        command.addAll(List.of(
                "-Dai.djl.offline=true",
                // teacher, trainer, eval and inference may all compute at once: libtorch threads that outnumber
                // the cores spin against each other (measured: a LADD iteration ≈ 0.35 s alone, ≈ 4 s beside a
                // generating teacher with two threads each on two cores), so each gets its share of the cores
                "-Dai.djl.pytorch.num_threads=" + torchThreads(),
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-jar", spec.jar(options.repoDir()).toString()));
        settings(spec, options).forEach((property, value) -> command.add("--" + property + "=" + value));
        // extra Spring arguments for one service, e.g. a test's small settings:
        // -Dladd.local.args.trainer="--ladd.trainer.synthetic-data.samples-per-request=64 --…"
        String extra = System.getProperty("ladd.local.args." + spec.shortName());
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        return command;
    }

    /**
     * The Spring settings this launch gives a service (passed as {@code --property=value}): where PostgreSQL, Kafka,
     * the blob store and the other services are on this machine, and the committed models. They cover every setting
     * the service has no default for (META-INF/ladd/required-settings.properties; deploy-tests checks that they do, as
     * it checks docker-compose.yml and the Helm chart).
     */
    public static Map<String, String> settings(ServiceSpec spec, LocalPlatformOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", String.valueOf(spec.port()));
        settings.put("spring.datasource.url", "jdbc:postgresql://localhost:" + options.postgresPort() + "/" + LocalPlatform.DATABASE);
        settings.put("spring.datasource.username", PostgresServer.USER);
        // each process names itself to PostgreSQL (pg_stat_activity.application_name): which replica holds a lock
        settings.put("spring.datasource.hikari.data-source-properties.ApplicationName", spec.id());
        settings.put("spring.cloud.stream.kafka.binder.brokers", "localhost:" + options.kafkaPort());
        settings.put("ladd.blob-store.root", options.blobDir().toString());
        if (!spec.name().equals("gateway-service")) {
            // only the gateway is reachable from other machines; the others answer this machine alone (and only
            // requests with the service token)
            settings.put("server.address", "127.0.0.1");
        }
        Path models = options.repoDir().resolve("models");
        switch (spec.name()) {
            // the committed default teacher is registered on the first start (see models/README.md)
            case "teacher-service" -> {
                settings.put("ladd.teacher.default-model-dir", models.resolve("default").toString());
                // POST /api/v1/teachers/import (admins, through the gateway) reads model folders under models/ only
                settings.put("ladd.teacher.imports.root", models.toString());
            }
            // the default teacher's baselines, measured once and committed: imported instead of computed (models/README.md)
            case "eval-service" -> settings.put("ladd.eval.baseline-files",
                    models.resolve("default").resolve("baselines.json").toString());
            case "trainer-service" -> {
                // the committed default student, imported once and served on alias 'default' (docs/adr/014)
                settings.put("ladd.trainer.default-student.dir", DefaultAlias.studentDir(options).toString());
                settings.put("ladd.trainer.default-student.teacher-dir", models.resolve("default").toString());
            }
            // each replica names itself in ModelServing / ModelSwapFailed (the default, the host name, is the same
            // for every replica on this machine)
            case "inference-service" -> settings.put("ladd.inference.replica-id", spec.id());
            case "gateway-service" -> {
                // the other services where this launch puts them (their ports may not be the defaults); a service
                // this launch does not start keeps its default port
                for (String other : List.of("teacher", "trainer", "eval", "inference")) {
                    settings.put("ladd.gateway.routes." + other, baseUrl(options, other));
                }
                // image requests go round-robin over every inference replica (the gateway fails over between them)
                List<String> replicas = options.services().stream().filter(s -> s.shortName().equals("inference"))
                        .map(ServiceSpec::baseUrl).toList();
                settings.put("ladd.gateway.inference.base-url",
                        replicas.isEmpty() ? baseUrl(options, "inference") : String.join(",", replicas));
            }
            default -> { }
        }
        return settings;
    }

    private static String baseUrl(LocalPlatformOptions options, String shortName) {
        return options.services().stream().filter(s -> s.shortName().equals(shortName)).findFirst()
                .map(ServiceSpec::baseUrl)
                .orElse("http://localhost:" + (ServiceSpec.DEFAULT_BASE_PORT + ServiceSpec.ALL.indexOf(shortName + "-service")));
    }

    /** libtorch threads per service: half the cores (the teacher and the trainer compute together), at least one. */
    static int torchThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    ServiceSpec spec() {
        return spec;
    }

    /** The service's name, with the replica number from the second replica on ({@link ServiceSpec#id()}). */
    String name() {
        return spec.id();
    }

    ChildProcess process() {
        return process;
    }

    Instant startedAt() {
        return startedAt;
    }

    URI readinessUri() {
        return URI.create(spec.baseUrl() + "/actuator/health/readiness");
    }

    /**
     * True when the readiness probe answers 200. A service whose numerical backend self-check failed will never be
     * ready (docs/adr/013): that fails the start at once, with the check's words, instead of at the timeout.
     */
    boolean isReady(HttpClient client) {
        HttpRequest request = HttpRequest.newBuilder(readinessUri()).timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return true;
            }
            Matcher broken = BROKEN_BACKEND.matcher(response.body());
            if (broken.find()) {
                throw new StartupException(name() + " will not become ready: its numerical backend self-check failed: "
                        + broken.group(1).replace("\\\"", "\"") + "\n(see " + process.logFile() + ")");
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException.Aborted();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
