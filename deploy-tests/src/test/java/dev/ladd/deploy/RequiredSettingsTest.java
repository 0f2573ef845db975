package dev.ladd.deploy;

import dev.ladd.local.LocalPlatformOptions;
import dev.ladd.local.ServiceProcess;
import dev.ladd.local.ServiceSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One list of what each service needs from its deployment, so that ./ladd-local, docker-compose.yml and the chart
 * cannot drift: the required settings each service's jar declares (platform-support's and its own
 * META-INF/ladd/required-settings.properties, which the service checks at start). Each service, started as its image
 * starts it with nothing from a deployment, stops at once naming exactly the ones its image does not set; the launcher
 * gives every service all of them, and docker-compose.yml and the chart (default and GPU values) give each container
 * all of them, together with the image's own environment.
 */
class RequiredSettingsTest {

    static Map<String, Map<String, String>> required = new LinkedHashMap<>();

    @BeforeAll
    static void readTheServicesJars() {
        List<Path> missing = Deployment.SERVICES.stream().map(ServiceImage::jar).filter(j -> !Files.isRegularFile(j)).toList();
        assumeTrue(missing.isEmpty(), () -> "the services' jars are not built: " + missing
                + " (./mvnw -B verify builds them before deploy-tests; alone: ./mvnw -B -pl deploy-tests -am verify)");
        for (String service : Deployment.SERVICES) {
            required.put(service, ServiceImage.of(service).requiredSettings());
        }
    }

    @Test
    void everyServiceNeedsPostgresKafkaAndTheBlobStoreAndTheGatewayItsServices() {
        for (String service : Deployment.SERVICES) {
            assertThat(required.get(service)).as(service).containsKeys("spring.datasource.url",
                    "spring.cloud.stream.kafka.binder.brokers", "ladd.blob-store.root");
        }
        assertThat(required.get("gateway-service")).containsKeys("ladd.gateway.inference.base-url",
                "ladd.gateway.routes.teacher", "ladd.gateway.routes.trainer", "ladd.gateway.routes.eval",
                "ladd.gateway.routes.inference");
    }

    /** Started as `docker run <image>` would (read-only root, a /tmp, the image's user and environment, nothing else). */
    @Test
    void aServiceStartedWithoutItsSettingsStopsAtOnceNamingEachMissingOne(@TempDir Path dir) throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        List<Container> containers = new ArrayList<>();
        for (String service : Deployment.SERVICES) {
            ServiceImage image = ServiceImage.of(service);
            Map<String, String> environment = new LinkedHashMap<>(image.environment());
            environment.put("HOME", "/");
            Deployment.Workload alone = new Deployment.Workload(service, service, environment, 0,
                    List.of(new Deployment.Mount("/tmp", Deployment.Mount.Kind.PRIVATE, null, false)), image.user(), true,
                    List.of(), null);
            containers.add(Container.start(alone, image, environment, dir.resolve(service), hosts, dir.resolve("volumes"),
                    DeploymentRun.JVM_OPTIONS, null));
        }
        for (Container container : containers) {
            String service = container.workload().service();
            ServiceImage image = ServiceImage.of(service);
            long began = System.nanoTime();
            assertThat(waitFor(container, Duration.ofSeconds(120))).as("%s stops by itself", service).isTrue();
            System.out.printf("%s without its settings: exit %d after %.1f s%n", service, container.exitValue(),
                    (System.nanoTime() - began) / 1e9);
            String log = Files.readString(container.log());
            assertThat(container.exitValue()).as("%s's exit code; log:%n%s", service, log).isNotZero();
            assertThat(log).contains(service + " did not start: it has no default for these settings and they are not set");
            required.get(service).forEach((property, description) -> {
                String variable = environmentVariable(property);
                if (image.environment().containsKey(variable)) {
                    assertThat(log).as("the image sets %s", variable).doesNotContain(property + " (env ");
                } else {
                    assertThat(log).as("%s names %s", service, property)
                            .contains(property + " (env " + variable + "): " + description);
                }
            });
        }
    }

    @Test
    void theLauncherGivesEveryServiceEveryRequiredSetting(@TempDir Path work) throws Exception {
        LocalPlatformOptions options = LocalPlatformOptions.parse("--repo-dir=" + ServiceImage.ROOT, "--work-dir=" + work);
        for (ServiceSpec spec : options.services()) {
            Map<String, String> settings = new LinkedHashMap<>();
            ServiceProcess.settings(spec, options).forEach((k, v) -> settings.put(environmentVariable(k), v));
            required.get(spec.name()).keySet().forEach(property -> assertThat(settings.get(environmentVariable(property)))
                    .as("./ladd-local gives %s %s", spec.name(), property).isNotBlank());
        }
    }

    @Test
    void composeGivesEveryContainerEveryRequiredSetting(@TempDir Path dir) throws Exception {
        Map<String, Object> config;
        if (ComposeFileTest.DOCKER_COMPOSE != null) {
            ComposeFileTest.Result resolved = ComposeFileTest.compose(
                    DeploymentRunTest.makeEnv(dir.resolve(".env")), "config");
            assertThat(resolved.exitCode()).as(resolved.output()).isZero();
            config = Manifests.parse(resolved.output()).objects().get(0);
        } else {
            System.out.println("docker-compose is not installed: checking docker-compose.yml as YAML, without its env_file");
            config = new Yaml(new LoaderOptions()).load(Files.readString(ComposeFileTest.COMPOSE_FILE));
        }
        assertEveryContainerHasItsSettings(Deployment.compose("compose", config));
    }

    @Test
    void theChartGivesEveryContainerEveryRequiredSetting() throws Exception {
        assertEveryContainerHasItsSettings(Deployment.helm("helm", DeploymentRunTest.render(false), "ladd"));
        assertEveryContainerHasItsSettings(Deployment.helm("helm-gpu", DeploymentRunTest.render(true), "ladd"));
    }

    private static void assertEveryContainerHasItsSettings(Deployment deployment) {
        for (String service : Deployment.SERVICES) {
            Map<String, String> environment = deployment.ofService(service).environment();
            required.get(service).keySet().forEach(property -> assertThat(environment.get(environmentVariable(property)))
                    .as("%s gives %s %s (env %s)", deployment.name(), service, property, environmentVariable(property))
                    .isNotBlank());
        }
    }

    /** As Spring reads a property from the environment (platform-support's RequiredSettings.environmentVariable). */
    static String environmentVariable(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static boolean waitFor(Container container, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (container.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return !container.isAlive();
    }
}
