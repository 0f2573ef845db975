package dev.ladd.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.ladd.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * docker-compose.yml, checked by docker-compose itself ({@code config} validates and resolves the file without a
 * Docker engine). Skipped, saying why, where the docker-compose binary is not installed; CI's .ci/run installs
 * Debian's docker-compose package so that it runs there.
 */
class ComposeFileTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
    static final List<String> SERVICES = List.of("gateway", "teacher", "trainer", "eval", "inference");

    static final Path DOCKER_COMPOSE = onPath("docker-compose").orElse(null);

    record Result(int exitCode, String output) {
    }

    static Result compose(Path envFile, String... args) throws IOException, InterruptedException {
        if (DOCKER_COMPOSE == null) {
            abort("docker-compose is not installed here (Debian: apt-get install docker-compose; .ci/run installs it)");
        }
        List<String> command = new ArrayList<>(List.of(DOCKER_COMPOSE.toString(), "-f", COMPOSE_FILE.toString(),
                "--project-directory", ROOT.toString(), "--env-file", envFile.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("POSTGRES_") || k.startsWith("LADD_") || k.startsWith("COMPOSE_"));
        builder.environment().put("LADD_ENV_FILE", envFile.toString());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose finished").isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void configIsValid() throws Exception {
        Result result = compose(ENV_EXAMPLE, "config", "-q");
        assertThat(result.exitCode()).as("docker-compose config -q: %s", result.output()).isZero();
    }

    @Test
    void servicesStartInOrderOfHealthRunAsNonRootAndShareTheBlobStore() throws Exception {
        Result result = compose(ENV_EXAMPLE, "config");
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, Object> config = Manifests.parse(result.output()).objects().get(0);
        Map<String, Object> services = at(config, "services");
        assertThat(services).containsKeys("kafka", "postgres");
        assertThat((String) at(config, "services.kafka.image")).startsWith("apache/kafka:");
        assertThat((String) at(config, "services.postgres.image")).startsWith("postgres:");
        assertThat((Object) at(config, "services.kafka.healthcheck.test")).isNotNull();
        assertThat((Object) at(config, "services.postgres.healthcheck.test")).isNotNull();
        for (String name : SERVICES) {
            Map<String, Object> service = at(services, name);
            assertThat(service).as(name).isNotNull();
            assertThat(String.valueOf((Object) at(service, "healthcheck.test"))).as(name).contains("/actuator/health/readiness");
            assertThat((String) at(service, "depends_on.kafka.condition")).as(name).isEqualTo("service_healthy");
            assertThat((String) at(service, "depends_on.postgres.condition")).as(name).isEqualTo("service_healthy");
            assertThat((String) service.get("user")).as(name).startsWith("65532");
            assertThat(service.get("read_only")).as("%s: read-only root, as in the chart", name).isEqualTo(true);
            assertThat((List<String>) service.get("tmpfs")).as("%s: a writable /tmp", name).containsExactly("/tmp");
            assertThat(String.valueOf(service.get("volumes"))).as(name).contains("blobs:/var/lib/ladd/blobs");
            Map<String, Object> env = at(service, "environment");
            assertThat(env).as(name).containsEntry("SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS", "kafka:9092")
                    .containsEntry("LADD_BLOBSTORE_ROOT", "/var/lib/ladd/blobs")
                    .containsKey("SPRING_DATASOURCE_PASSWORD");
        }
        for (String name : SERVICES) {
            if (!name.equals("gateway")) {
                assertThat((String) at(services, "gateway.depends_on." + name + ".condition")).as("gateway waits for " + name)
                        .isEqualTo("service_healthy");
            }
        }
        // the gateway's admin key comes from the env file
        assertThat((Map<String, Object>) at(services, "gateway.environment")).containsKey("LADD_GATEWAY_ADMIN_KEY");
        for (String name : SERVICES) {
            if (!name.equals("gateway")) {
                assertThat((Map<String, Object>) at(services, name + ".environment")).as(name)
                        .doesNotContainKey("LADD_GATEWAY_ADMIN_KEY");
                // operators reach the internal APIs from this host only
                assertThat(String.valueOf((Object) at(services, name + ".ports"))).as(name).contains("127.0.0.1");
            }
        }
    }

    @Test
    void aMissingDatabasePasswordIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path env = Files.writeString(dir.resolve("empty.env"), "# nothing set\n");
        Result result = compose(env, "config", "-q");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("POSTGRES_PASSWORD");
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
