package dev.ladd.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployments, run: PostgreSQL, Kafka and the five service jars started with exactly the environment that
 * {@code docker-compose config} resolves for each service, then exactly the one the rendered chart gives each
 * Deployment (default values, then values-gpu.yaml), as their images would start them ({@link Container}); each
 * deployment generates an image through the gateway's {@code POST /v1/images/generations} (the committed default
 * student, docs/adr/014) and reaches every service through the gateway's routes.
 *
 * <p>What differs from a real cluster, and why: one machine, so the services' ports are remapped to free ones and
 * the deployment's host names resolve to 127.0.0.1 ({@link Network}); the services' JVMs get the launcher's fast-start
 * flags and a 1 GiB memory limit ({@link DeploymentRun#JVM_OPTIONS}); Kafka is an in-process KRaft broker and
 * PostgreSQL zonky's binaries with password authentication, not the compose file's images; the trainer's GPU image
 * cannot run here (no CUDA, no GPU), so the GPU case runs the same jar with that Deployment's environment.
 * Needs the services' jars (the reactor builds them before this module) and, for compose, the docker-compose binary;
 * skipped, saying which, without them. Wall times are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentRunTest {

    static final Path RUNS = ServiceImage.STAGE.resolveSibling("deploy-runs");
    private static final Pattern B64_JSON = Pattern.compile("\"b64_json\"\\s*:\\s*\"([^\"]+)\"");

    private Infrastructure infrastructure;
    private final List<String> summary = new ArrayList<>();

    @BeforeAll
    void startPostgres() throws IOException {
        List<Path> missing = Deployment.SERVICES.stream().map(ServiceImage::jar).filter(j -> !Files.isRegularFile(j)).toList();
        assumeTrue(missing.isEmpty(), () -> "the services' jars are not built: " + missing
                + " (./mvnw -B verify builds them before deploy-tests; alone: ./mvnw -B -pl deploy-tests -am verify)");
        Instant t = Instant.now();
        Deployment.SERVICES.parallelStream().forEach(ServiceImage::of);
        System.out.printf("images staged from the jars in %s; containers: %s%n", DeploymentRun.seconds(
                Duration.between(t, Instant.now())), Container.ISOLATION.why());
        ServiceImage.deleteTree(RUNS.resolve("djl-cache")); // the first deployment unpacks libtorch as its images do
        infrastructure = Infrastructure.startPostgres(RUNS.resolve("postgres"));
    }

    @AfterAll
    void stopPostgres() throws IOException {
        if (infrastructure != null) {
            infrastructure.close();
        }
        summary.forEach(System.out::println);
    }

    @Test
    void composeRunsTheServicesAndServesAnImage() throws Exception {
        Path envFile = makeEnv(RUNS.resolve("compose.env"));
        ComposeFileTest.Result config = ComposeFileTest.compose(envFile, "config");
        assertThat(config.exitCode()).as(config.output()).isZero();
        Deployment compose = Deployment.compose("compose", Manifests.parse(config.output()).objects().get(0));
        assertThat(compose.ofService("gateway-service").dependsOn()).as("the gateway waits for the others")
                .containsExactlyInAnyOrder("teacher", "trainer", "eval", "inference");
        run(compose);
    }

    @Test
    void theChartRunsTheServicesAndServesAnImage() throws Exception {
        run(Deployment.helm("helm", render(false), "ladd"));
    }

    /** values-gpu.yaml: the trainer's Deployment (its -cuda image cannot run here: its jar runs with that environment). */
    @Test
    void theChartWithGpuValuesRunsTheServicesAndServesAnImage() throws Exception {
        Deployment gpu = Deployment.helm("helm-gpu", render(true), "ladd");
        assertThat(gpu.ofService("trainer-service").environment().get("JAVA_TOOL_OPTIONS"))
                .as("the GPU values' trainer settings").contains("num_threads=4");
        run(gpu);
    }

    private void run(Deployment deployment) throws Exception {
        Map<String, Map<String, String>> appBefore = new LinkedHashMap<>();
        Deployment.SERVICES.forEach(service -> appBefore.put(service, snapshot(ServiceImage.of(service).app())));
        Instant begin = Instant.now();
        Duration firstImage;
        List<Container> containers;
        Map<String, Duration> ready;
        try (DeploymentRun run = DeploymentRun.start(deployment, infrastructure, RUNS.resolve(deployment.name()),
                RUNS.resolve("djl-cache"), System.out)) {
            containers = run.containers();
            for (Deployment.Workload workload : deployment.workloads()) {
                Map<String, String> env = workload.environment();
                String user = env.get("SPRING_DATASOURCE_USERNAME");
                String database = env.get("SPRING_DATASOURCE_URL").replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
                assertThat(user).as("%s's database role, its own", workload.name())
                        .isEqualTo("ladd_" + workload.service().replace("-service", ""));
                assertThat(infrastructure.logsIn(user, env.get("SPRING_DATASOURCE_PASSWORD"), database))
                        .as("%s logs in to %s with the deployment's password", user, database).isTrue();
                assertThat(infrastructure.logsIn(user, env.get("SPRING_DATASOURCE_PASSWORD") + "-wrong", database))
                        .as("PostgreSQL checks the password").isFalse();
            }

            ready = Map.copyOf(run.readyAfter());
            firstImage = awaitImage(run);

            assertThat(run.gateway("GET", "/api/v1/teacher/teachers", null))
                    .satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200))
                    .satisfies(r -> assertThat(r.body()).as("the committed default teacher").contains("\"default\""));
            assertThat(run.gateway("GET", "/api/v1/trainer/runs", null))
                    .satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200))
                    .satisfies(r -> assertThat(r.body()).as("the imported default student").contains("default-student-"));
            assertThat(run.gateway("GET", "/api/v1/eval/scoring", null))
                    .satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
            assertThat(run.gateway("GET", "/api/v1/inference/serving", null))
                    .satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200))
                    .satisfies(r -> assertThat(r.body()).as("what this replica serves").contains("\"default\""));

            for (Container container : containers) {
                assertRunsAsItsImage(container);
                assertLockedDown(run, container.workload());
            }
        }
        for (Container container : containers) {
            assertWroteOnlyWhereTheImageSays(container, appBefore.get(container.workload().service()));
            if (container.djlCache() != null) {
                ServiceImage.deleteTree(container.djlCache()); // ~430 MB each; one copy stays in RUNS/djl-cache
            }
        }
        String line = String.format("%s: first image %s after the start (services ready after %s), whole run %s",
                deployment.name(), DeploymentRun.seconds(firstImage), readyTimes(ready), DeploymentRun.seconds(
                        Duration.between(begin, Instant.now())));
        summary.add(line);
    }

    /** The first image through the gateway: the default student is imported, promoted and loaded once all are up. */
    private Duration awaitImage(DeploymentRun run) throws Exception {
        String request = "{\"prompt\":\"a photo of an ankle boot\",\"n\":1,\"size\":\"32x32\",\"seed\":7}";
        Instant deadline = Instant.now().plus(DeploymentRun.READY_TIMEOUT);
        HttpResponse<String> response;
        while (true) {
            response = run.gateway("POST", "/v1/images/generations", request);
            if (response.statusCode() == 200 || Instant.now().isAfter(deadline)) {
                break;
            }
            // 404 model_not_found until the default student is promoted, 503 until inference has loaded it
            assertThat(response.statusCode()).as(response.body()).isIn(404, 503);
            Thread.sleep(1000);
        }
        assertThat(response.statusCode()).as("the first image, %s", response.body()).isEqualTo(200);
        Matcher png = B64_JSON.matcher(response.body());
        assertThat(png.find()).as(response.body()).isTrue();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png.group(1))));
        assertThat(image).as("a PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(32);
        return run.elapsed();
    }

    /** An internal service's API, for a request without the service token (the gateway's routes reach it with it). */
    private static final Map<String, String> API = Map.of("teacher-service", "/api/v1/teachers",
            "trainer-service", "/api/v1/runs", "eval-service", "/api/v1/scoring", "inference-service", "/api/v1/serving");

    /**
     * As the deployment configures it: the metrics only on the management port (which the NetworkPolicies give the
     * scraper alone), the probes on the API port, and the internal services refusing a caller without the service token.
     */
    private static void assertLockedDown(DeploymentRun run, Deployment.Workload workload) throws Exception {
        assertThat(run.direct(workload.name(), true, "/actuator/prometheus"))
                .satisfies(r -> assertThat(r.statusCode()).as("%s's metrics on its management port", workload.name()).isEqualTo(200));
        assertThat(run.direct(workload.name(), false, "/actuator/prometheus").statusCode())
                .as("%s's metrics on its API port", workload.name()).isIn(401, 404);
        assertThat(run.direct(workload.name(), false, "/readyz").statusCode()).as("%s's probe", workload.name()).isEqualTo(200);
        if (API.containsKey(workload.service())) {
            assertThat(run.direct(workload.name(), false, API.get(workload.service())))
                    .satisfies(r -> assertThat(r.statusCode()).as("%s without the service token: %s", workload.name(), r.body())
                            .isEqualTo(401));
        }
    }

    /**
     * The kernel's view of the process: it is the JVM itself (the chain that set it up exec'd into it), running the
     * image's entrypoint with its JVM flags; isolated, as the image's user with no capabilities and no new privileges.
     */
    private static void assertRunsAsItsImage(Container container) throws IOException {
        Deployment.Workload workload = container.workload();
        ServiceImage image = ServiceImage.of(workload.service());
        assertThat(container.commandLine()).as("%s's process", workload.name()).isEqualTo(container.entrypoint());
        assertThat(Files.readSymbolicLink(Path.of("/proc", String.valueOf(container.pid()), "cwd")))
                .as("%s's working directory, %s in its image", workload.name(), image.workingDirectory())
                .isEqualTo(container.workingDirectory());
        if (!Container.ISOLATION.available()) {
            assertThat(container.entrypoint()).as("%s's JVM flags", workload.name())
                    .containsSubsequence(image.jvmFlags().stream().filter(f -> !f.contains("=/")).toList());
            return;
        }
        assertThat(container.entrypoint()).as("%s runs Jib's entrypoint", workload.name())
                .isEqualTo(image.command(DeploymentRun.JVM_OPTIONS))
                .containsSubsequence(image.jvmFlags())
                .endsWith("-cp", "@/app/jib-classpath-file", image.mainClass());
        String id = workload.user().split(":")[0];
        Map<String, String> status = container.status();
        assertThat(status.get("Uid")).as("%s's uids", workload.name()).isEqualTo(String.join("\t", id, id, id, id));
        assertThat(status.get("CapEff")).as("%s's capabilities", workload.name()).isEqualTo("0000000000000000");
        assertThat(status.get("NoNewPrivs")).isEqualTo("1");
    }

    /**
     * Where the service wrote: with a read-only root nothing can be written outside the mounts (a write there fails and
     * would be in the log); nothing under /app (read-only when isolated, checked file by file in any case); libtorch
     * under the image's DJL_CACHE_DIR in /tmp; the trainer's blobs in the shared volume.
     */
    private static void assertWroteOnlyWhereTheImageSays(Container container, Map<String, String> appBefore) throws IOException {
        Deployment.Workload workload = container.workload();
        assertThat(Files.readString(container.log())).as("%s's log", workload.name())
                .doesNotContain("Read-only file system").doesNotContain("Permission denied");
        Path tmp = container.mount("/tmp");
        if (tmp != null) {
            try (Stream<Path> files = Files.list(tmp)) {
                System.out.printf("%s/%s wrote in /tmp: %s%n", container.log().getParent().getParent().getFileName(),
                        workload.name(), files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            String cache = workload.environment().get("DJL_CACHE_DIR");
            if (cache != null && cache.startsWith("/tmp/") && ServiceImage.of(workload.service()).runsModels()) {
                assertThat(tmp.resolve(cache.substring("/tmp/".length()))).as("%s's DJL cache (libtorch)", workload.name())
                        .isNotEmptyDirectory();
            }
        }
        String blobRoot = workload.environment().get("LADD_BLOBSTORE_ROOT");
        assertThat(container.mount(blobRoot)).as("%s's blob store %s is the deployment's shared volume", workload.name(), blobRoot)
                .isNotNull();
        if (workload.service().equals("trainer-service")) {
            assertThat(container.mount(blobRoot)).as("the default student's blobs, stored by the trainer").isNotEmptyDirectory();
        }
        assertThat(snapshot(ServiceImage.of(workload.service()).app())).as("nothing written under /app by %s", workload.name())
                .isEqualTo(appBefore);
    }

    private static String readyTimes(Map<String, Duration> ready) {
        return String.join(", ", new TreeMap<>(ready).entrySet().stream()
                .map(e -> e.getKey() + " " + DeploymentRun.seconds(e.getValue())).toList());
    }

    /** Every file under a folder with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.toList()) {
                files.put(dir.relativize(file).toString(), Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }

    /** The .env an operator makes (README "Deploy"): deploy/make-env.sh, every secret a fresh random one. */
    static Path makeEnv(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Process make = new ProcessBuilder("bash", ComposeFileTest.MAKE_ENV.toString(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(make.waitFor()).as(output).isZero();
        return file;
    }

    /**
     * The chart as the README installs it: the secrets in Secrets of the operator's (made here as its
     * {@code kubectl create secret} commands make them), the database roles by the chart's Job (its hook shown as a
     * resource: {@link HelmChartTest#chartWithHooksAsResources}).
     */
    static Manifests render(boolean gpu) throws IOException {
        Path chart = HelmChartTest.chartWithHooksAsResources(Files.createTempDirectory(RUNS.getParent(), "chart"));
        var command = new com.marcnuri.helm.Helm(chart).template().withName("ladd").withNamespace("ladd")
                .set("postgresql.existingSecret", "ladd-db").set("gateway.existingSecret", "ladd-gateway")
                .set("serviceAuth.existingSecret", "ladd-service-token")
                .set("postgresql.createUsers.enabled", "true").set("postgresql.createUsers.adminExistingSecret", "ladd-db-admin");
        if (gpu) {
            command = command.withValuesFile(HelmChartTest.GPU_VALUES);
        }
        List<Map<String, Object>> objects = new ArrayList<>(Manifests.parse(command.call()).objects());
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String service : List.of("gateway", "teacher", "trainer", "eval", "inference")) {
            passwords.put(service + "-password", HelmChartTest.randomSecret());
        }
        objects.add(secret("ladd-db", passwords));
        objects.add(secret("ladd-gateway", Map.of("admin-key", HelmChartTest.randomSecret())));
        objects.add(secret("ladd-service-token", Map.of("token", HelmChartTest.randomSecret())));
        objects.add(secret("ladd-db-admin", Map.of("password", HelmChartTest.randomSecret())));
        return new Manifests(objects);
    }

    /** A Secret as {@code kubectl create secret generic NAME --from-file=KEY=…} makes it. */
    private static Map<String, Object> secret(String name, Map<String, String> values) {
        Map<String, Object> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return Map.of("apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", name), "type", "Opaque", "data", data);
    }
}
