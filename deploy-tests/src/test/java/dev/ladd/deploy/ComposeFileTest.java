package dev.ladd.deploy;

import org.junit.jupiter.api.BeforeAll;
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
    static final Path MAKE_ENV = ROOT.resolve("deploy/make-env.sh");
    static final List<String> SERVICES = List.of("gateway", "teacher", "trainer", "eval", "inference");
    /** Every secret docker-compose.yml requires; .env.example leaves each empty and deploy/make-env.sh fills it. */
    static final List<String> SECRETS = List.of("POSTGRES_PASSWORD", "LADD_DB_PASSWORD_GATEWAY", "LADD_DB_PASSWORD_TEACHER",
            "LADD_DB_PASSWORD_TRAINER", "LADD_DB_PASSWORD_EVAL", "LADD_DB_PASSWORD_INFERENCE", "LADD_GATEWAY_ADMIN_KEY",
            "LADD_SERVICE_TOKEN");

    static final Path DOCKER_COMPOSE = onPath("docker-compose").orElse(null);

    @TempDir
    static Path envDir;
    /** What deploy/make-env.sh writes: .env.example with fresh random secrets. */
    static Path madeEnv;

    @BeforeAll
    static void findDockerComposeAndMakeAnEnvFile() throws Exception {
        madeEnv = envDir.resolve("made.env");
        Process make = new ProcessBuilder("bash", MAKE_ENV.toString(), madeEnv.toString()).redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor()).as(output).isZero();
    }

    /** deploy/make-env.sh: every secret filled with a fresh random value, the file owner-only, never overwritten. */
    @Test
    void makeEnvFillsEverySecretOfTheExampleWithAFreshRandomValueOwnerOnly() throws Exception {
        Map<String, String> example = envFile(ENV_EXAMPLE);
        Map<String, String> made = envFile(madeEnv);
        assertThat(example.keySet()).containsAll(SECRETS);
        for (String secret : SECRETS) {
            assertThat(example.get(secret)).as(".env.example holds no sample value for " + secret).isEmpty();
            assertThat(made.get(secret)).as(secret).matches("[A-Za-z0-9_-]{43}");
        }
        assertThat(made.values().stream().filter(v -> v.length() == 43).distinct().count()).isEqualTo(SECRETS.size());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(madeEnv)))
                .isEqualTo("rw-------");
        Process again = new ProcessBuilder("bash", MAKE_ENV.toString(), madeEnv.toString()).redirectErrorStream(true).start();
        assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("not overwriting");
        assertThat(again.waitFor()).isEqualTo(1);
        assertThat(envFile(madeEnv)).isEqualTo(made);

        // --rotate: one secret gets a fresh value, everything else stays, still owner-only
        Path copy = envDir.resolve("rotated.env");
        Files.copy(madeEnv, copy);
        Process rotate = new ProcessBuilder("bash", MAKE_ENV.toString(), "--rotate", "LADD_GATEWAY_ADMIN_KEY", copy.toString())
                .redirectErrorStream(true).start();
        String said = new String(rotate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rotate.waitFor()).as(said).isZero();
        Map<String, String> rotated = envFile(copy);
        assertThat(rotated.get("LADD_GATEWAY_ADMIN_KEY")).matches("[A-Za-z0-9_-]{43}")
                .isNotEqualTo(made.get("LADD_GATEWAY_ADMIN_KEY"));
        rotated.remove("LADD_GATEWAY_ADMIN_KEY");
        Map<String, String> others = new java.util.LinkedHashMap<>(made);
        others.remove("LADD_GATEWAY_ADMIN_KEY");
        assertThat(rotated).isEqualTo(others);
        assertThat(said).doesNotContain(made.get("LADD_GATEWAY_ADMIN_KEY"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
                .isEqualTo("rw-------");
    }

    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#") && line.contains("=")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return values;
    }

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
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose finished").isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void configIsValid() throws Exception {
        Result result = compose(madeEnv, "config", "-q");
        assertThat(result.exitCode()).as("docker-compose config -q: %s", result.output()).isZero();
    }

    @Test
    void servicesStartInOrderOfHealthRunAsNonRootAndShareTheBlobStore() throws Exception {
        Result result = compose(madeEnv, "config");
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
            assertThat(String.valueOf((Object) at(service, "healthcheck.test"))).as(name).contains("GET /readyz")
                    .contains("200");
            assertThat((String) at(service, "depends_on.kafka.condition")).as(name).isEqualTo("service_healthy");
            assertThat((String) at(service, "depends_on.postgres.condition")).as(name).isEqualTo("service_healthy");
            assertThat((String) service.get("user")).as(name).startsWith("65532");
            assertThat(service.get("read_only")).as("%s: read-only root, as in the chart", name).isEqualTo(true);
            assertThat((List<String>) service.get("tmpfs")).as("%s: a writable /tmp", name).containsExactly("/tmp");
            assertThat(String.valueOf(service.get("volumes"))).as(name).contains("blobs:/var/lib/ladd/blobs");
            Map<String, Object> env = at(service, "environment");
            assertThat(env).as(name).containsEntry("SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS", "kafka:9092")
                    .containsEntry("LADD_BLOBSTORE_ROOT", "/var/lib/ladd/blobs")
                    .containsKeys("MANAGEMENT_SERVER_PORT", "LADD_SERVICE_TOKEN")
                    // its own database role, with its own password; never PostgreSQL's superuser
                    .containsEntry("SPRING_DATASOURCE_USERNAME", "ladd_" + name)
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", envFile(madeEnv).get("LADD_DB_PASSWORD_" + name.toUpperCase()))
                    .doesNotContainKey("POSTGRES_PASSWORD");
            assertThat(env.toString()).as(name).doesNotContain(envFile(madeEnv).get("POSTGRES_PASSWORD"));
            assertThat((String) at(service, "depends_on.db-users.condition")).as(name)
                    .isEqualTo("service_completed_successfully");
            assertThat(service).as(name + ": no env_file, which would hand it every secret of .env").doesNotContainKey("env_file");
        }
        for (String name : SERVICES) {
            if (!name.equals("gateway")) {
                assertThat((String) at(services, "gateway.depends_on." + name + ".condition")).as("gateway waits for " + name)
                        .isEqualTo("service_healthy");
            }
        }
        // the gateway alone gets the admin key; db-users alone PostgreSQL's superuser, and runs the chart's script
        assertThat((Map<String, Object>) at(services, "gateway.environment")).containsKey("LADD_GATEWAY_ADMIN_KEY");
        assertThat((Map<String, Object>) at(services, "db-users.environment")).containsKeys("PGPASSWORD",
                "LADD_DB_PASSWORD_GATEWAY", "LADD_DB_PASSWORD_INFERENCE", "LADD_DB_USER_EVAL");
        assertThat(String.valueOf((Object) at(services, "db-users.volumes"))).contains("helm/ladd/files");
        assertThat(String.valueOf((Object) at(services, "db-users.entrypoint"))).contains("/ladd-db/db-users.psql");
        assertThat(String.valueOf((Object) at(services, "teacher.environment.LADD_TEACHER_IMPORTS_ROOT"))).isEqualTo("/app/models");
        for (String name : SERVICES) {
            if (!name.equals("gateway")) {
                assertThat((Map<String, Object>) at(services, name + ".environment")).as(name)
                        .doesNotContainKey("LADD_GATEWAY_ADMIN_KEY");
                // operators reach the internal APIs from this host only
                assertThat(String.valueOf((Object) at(services, name + ".ports"))).as(name).contains("127.0.0.1");
            }
        }
    }

    /** No secret has a default: each one left empty stops docker-compose, naming it (.env.example as it is, too). */
    @Test
    void everyMissingSecretIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        for (String secret : SECRETS) {
            Map<String, String> values = envFile(madeEnv);
            values.put(secret, "");
            StringBuilder text = new StringBuilder();
            values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Path env = Files.writeString(dir.resolve(secret + ".env"), text);
            Result result = compose(env, "config", "-q");
            assertThat(result.exitCode()).as(secret + ": " + result.output()).isNotZero();
            assertThat(result.output()).as(secret).contains(secret);
        }
        assertThat(compose(ENV_EXAMPLE, "config", "-q").exitCode()).as("the example has no secret").isNotZero();
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
