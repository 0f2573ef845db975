package dev.ladd.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Service start-up, readiness polling, failure reports and stopping, with fake service jars (no Spring). */
class ServiceProcessTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path tmp;
    private final List<ServiceProcess> started = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @AfterEach
    void stopWhatStarted() {
        started.forEach(s -> s.process().stop(Duration.ofSeconds(10)));
    }

    @Test
    void waitsForReadinessPassesTheWiringAndStopsCleanly() throws Exception {
        LocalPlatformOptions options = optionsWithFakeJars(Map.of("gateway-service", FakeService.Ready.class,
                "eval-service", FakeService.Ready.class), "--services=gateway,eval");

        Map<String, Duration> ready = startAndWait(options, Duration.ofSeconds(30));

        assertThat(ready).containsOnlyKeys("gateway-service", "eval-service");
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("ready: gateway-service", "ready: eval-service");
        String log = Files.readString(options.logDir().resolve("gateway-service.log"));
        assertThat(log).contains(
                "-Dai.djl.offline=true",
                "--server.port=" + options.services().get(0).port(),
                "--spring.datasource.url=jdbc:postgresql://localhost:" + options.postgresPort() + "/ladd",
                "--spring.datasource.username=postgres",
                "--spring.cloud.stream.kafka.binder.brokers=localhost:" + options.kafkaPort(),
                "--ladd.blob-store.root=" + options.workDir().resolve("blobs"));

        // the secrets reach the services in their environment, never on a command line (ps) or in a log
        String adminKey = GatewayAdminKey.get(options);
        String serviceToken = ServiceTokenFile.get(options);
        assertThat(log).contains("fake service env LADD_GATEWAY_ADMIN_KEY: " + adminKey.length() + " characters",
                "fake service env LADD_SERVICE_TOKEN: " + serviceToken.length() + " characters");
        String evalLog = Files.readString(options.logDir().resolve("eval-service.log"));
        assertThat(evalLog).contains("fake service env LADD_GATEWAY_ADMIN_KEY: unset",
                "fake service env LADD_SERVICE_TOKEN: " + serviceToken.length() + " characters");
        for (ServiceProcess service : started) {
            String commandLine = service.process().handle().info().commandLine().orElse("");
            assertThat(commandLine).as("ps shows " + service.name()).isNotEmpty().doesNotContain(adminKey)
                    .doesNotContain(serviceToken);
        }
        assertThat(log + evalLog).doesNotContain(adminKey).doesNotContain(serviceToken);
        assertThat(evalLog).contains("--server.address=127.0.0.1");
        assertThat(log).doesNotContain("--server.address=");

        List<Long> pids = started.stream().map(s -> s.process().pid()).toList();
        started.forEach(s -> assertThat(s.process().stop(Duration.ofSeconds(10))).as("stops on SIGTERM").isTrue());
        pids.forEach(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
        assertThat(options.workDir().resolve("run")).isEmptyDirectory();
        options.services().forEach(s -> assertThat(Ports.isFree(s.port())).isTrue());
    }

    @Test
    void aServiceThatExitsFailsAtOnceQuotingItsLog() throws Exception {
        LocalPlatformOptions options = optionsWithFakeJars(Map.of("teacher-service", FakeService.Crashing.class),
                "--services=teacher");

        assertThatThrownBy(() -> startAndWait(options, Duration.ofSeconds(30)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("teacher-service exited with code 3 while starting")
                .hasMessageContaining("teacher-service.log")
                .hasMessageContaining("boom: the fake service gives up");
    }

    @Test
    void aServiceThatNeverGetsReadyTimesOut() throws Exception {
        LocalPlatformOptions options = optionsWithFakeJars(Map.of("trainer-service", FakeService.NeverReady.class),
                "--services=trainer");

        assertThatThrownBy(() -> startAndWait(options, Duration.ofSeconds(3)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("not ready within 3 s")
                .hasMessageContaining("trainer-service: http://localhost:")
                .hasMessageContaining("never answered 200");
    }

    @Test
    void aServiceWhoseNumericalBackendIsBrokenFailsTheStartAtOnceSayingWhy() throws Exception {
        LocalPlatformOptions options = optionsWithFakeJars(Map.of("eval-service", FakeService.BrokenBackend.class),
                "--services=eval");

        assertThatThrownBy(() -> startAndWait(options, Duration.ofSeconds(60)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("eval-service will not become ready: its numerical backend self-check failed")
                .hasMessageContaining("input gradient off by 0.617")
                .hasMessageContaining("\"unset\" here")
                .hasMessageContaining("eval-service.log")
                .hasMessageNotContaining("not ready within");
    }

    @Test
    void aDefaultStudentTheTrainerRefusedFailsTheStartQuotingTheTrainersLog() throws Exception {
        LocalPlatformOptions options = withDefaultStudent(optionsWithFakeJars(Map.of(
                "gateway-service", FakeService.DefaultStudentRefused.class,
                "trainer-service", FakeService.DefaultStudentRefused.class,
                "inference-service", FakeService.DefaultStudentRefused.class), "--services=gateway,trainer,inference"));
        startAndWait(options, Duration.ofSeconds(30));
        DefaultAlias alias = new DefaultAlias(options, started, () -> false, out);
        assertThat(alias.notWaitedFor()).isEmpty();

        assertThatThrownBy(alias::awaitImage).isInstanceOf(StartupException.class)
                .hasMessageContaining("alias 'default' does not serve an image: trainer-service did not import the default"
                        + " student from " + DefaultAlias.studentDir(options) + " (no run default-student-0123456789ab)")
                .hasMessageContaining("was refused and is not imported: student.safetensors is missing")
                .hasMessageNotContaining("within");
    }

    @Test
    void aDefaultStudentNeverServedTimesOutNamingTheStepItWaitsFor() throws Exception {
        LocalPlatformOptions options = withDefaultStudent(optionsWithFakeJars(Map.of(
                "gateway-service", FakeService.DefaultStudentNeverServed.class,
                "trainer-service", FakeService.DefaultStudentNeverServed.class,
                "inference-service", FakeService.DefaultStudentNeverServed.class), "--services=gateway,trainer,inference",
                "--serve-timeout=2"));
        startAndWait(options, Duration.ofSeconds(30));

        assertThatThrownBy(new DefaultAlias(options, started, () -> false, out)::awaitImage)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("alias 'default' does not serve an image within 2 s (raise --serve-timeout")
                .hasMessageContaining("gateway-service has not served run default-student-0123456789ab's checkpoint on"
                        + " alias 'default' yet");
    }

    @Test
    void withoutTheServicesItTakesOrACommittedStudentTheDefaultAliasIsNotWaitedFor() throws Exception {
        LocalPlatformOptions options = optionsWithFakeJars(Map.of("gateway-service", FakeService.Ready.class,
                "trainer-service", FakeService.Ready.class), "--services=gateway,trainer");
        assertThat(new DefaultAlias(options, List.of(), () -> false, out).notWaitedFor())
                .hasValue("not waited for: gateway-service, trainer-service, inference-service not started");

        LocalPlatformOptions noStudent = optionsWithFakeJars(Map.of("gateway-service", FakeService.Ready.class,
                "trainer-service", FakeService.Ready.class, "inference-service", FakeService.Ready.class),
                "--services=gateway,trainer,inference");
        startAndWait(noStudent, Duration.ofSeconds(30));
        assertThat(new DefaultAlias(noStudent, started, () -> false, out).notWaitedFor())
                .hasValue("not waited for: no default student in " + DefaultAlias.studentDir(noStudent)
                        + "; alias 'default' serves once a checkpoint is promoted");
    }

    @Test
    void theTrainerImportsTheCommittedStudentAndEveryServiceGetsTheJvmOptions() throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"));
        for (ServiceSpec spec : options.services()) {
            List<String> command = ServiceProcess.command(spec, Path.of("java"), options);
            assertThat(command).as(spec.name()).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar");
            if (spec.name().equals("trainer-service")) {
                assertThat(command).contains(
                        "--ladd.trainer.default-student.dir=" + options.repoDir().resolve("models/default-student"),
                        "--ladd.trainer.default-student.teacher-dir=" + options.repoDir().resolve("models/default"));
            }
        }
        LocalPlatformOptions jvmDefaults = LocalPlatformTestSupport.options(tmp.resolve("work"), "--service-jvm-options=");
        assertThat(ServiceProcess.command(jvmDefaults.services().get(0), Path.of("java"), jvmDefaults))
                .noneMatch(arg -> arg.startsWith("-XX:"));
    }

    /** A committed default student in the options' repository: only its manifest's weightsSha256 is read. */
    private static LocalPlatformOptions withDefaultStudent(LocalPlatformOptions options) throws IOException {
        Path dir = Files.createDirectories(DefaultAlias.studentDir(options));
        Files.writeString(dir.resolve("student.json"), "{\"kind\":\"student\",\"weightsSha256\":\"0123456789ab"
                + "0".repeat(52) + "\"}");
        return options;
    }

    private Map<String, Duration> startAndWait(LocalPlatformOptions options, Duration timeout) {
        try {
            for (ServiceSpec spec : options.services()) {
                started.add(ServiceProcess.start(spec, JAVA, options));
            }
            return new HealthWaiter(timeout, () -> false, out).awaitReady(started);
        } catch (RuntimeException e) {
            started.forEach(s -> s.process().stop(Duration.ofSeconds(10)));
            throw e;
        }
    }

    @Test
    void everyServiceGetsItsShareOfTheCoresForLibtorchSoThatTheyDoNotSpinAgainstEachOther() throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"));
        int threads = ServiceProcess.torchThreads();
        assertThat(threads).isBetween(1, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        for (ServiceSpec spec : options.services()) {
            assertThat(ServiceProcess.command(spec, Path.of("java"), options))
                    .contains("-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1");
        }
    }

    @Test
    void evalServiceImportsTheCommittedBaselinesOfTheDefaultTeacher() throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"));
        ServiceSpec eval = options.services().stream().filter(s -> s.name().equals("eval-service")).findFirst().orElseThrow();
        Path baselines = options.repoDir().resolve("models/default/baselines.json");
        assertThat(ServiceProcess.command(eval, Path.of("java"), options)).contains("--ladd.eval.baseline-files=" + baselines);
        assertThat(baselines).as("committed beside the default teacher").isNotEmptyFile();
    }

    @Test
    void theGatewayIsToldWhereTheOtherServicesListenAndATestMayAddArgumentsPerService() throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"));
        ServiceSpec gateway = options.services().stream().filter(s -> s.name().equals("gateway-service")).findFirst().orElseThrow();
        List<String> expected = new ArrayList<>();
        for (ServiceSpec other : options.services()) {
            if (!other.name().equals("gateway-service")) {
                expected.add("--ladd.gateway.routes." + other.shortName() + "=http://localhost:" + other.port());
            }
            if (other.name().equals("inference-service")) {
                expected.add("--ladd.gateway.inference.base-url=http://localhost:" + other.port());
            }
        }
        assertThat(ServiceProcess.command(gateway, Path.of("java"), options)).containsAll(expected);

        ServiceSpec eval = options.services().stream().filter(s -> s.name().equals("eval-service")).findFirst().orElseThrow();
        System.setProperty("ladd.local.args.eval", " --ladd.eval.samples=20  --ladd.eval.speed.repeats=1 ");
        try {
            assertThat(ServiceProcess.command(eval, Path.of("java"), options))
                    .endsWith("--ladd.eval.samples=20", "--ladd.eval.speed.repeats=1");
            assertThat(ServiceProcess.command(gateway, Path.of("java"), options)).doesNotContain("--ladd.eval.samples=20");
        } finally {
            System.clearProperty("ladd.local.args.eval");
        }
    }

    @Test
    void everyInferenceReplicaNamesItselfAndTheGatewaySpreadsImagesOverAllOfThem() throws Exception {
        LocalPlatformOptions options = LocalPlatformOptions.parse("--work-dir=" + tmp.resolve("work"),
                "--base-port=18080", "--inference-replicas=2", "--trainer-replicas=2");
        ServiceSpec gateway = options.services().stream().filter(s -> s.name().equals("gateway-service")).findFirst().orElseThrow();
        List<ServiceSpec> inference = options.services().stream().filter(s -> s.name().equals("inference-service")).toList();

        assertThat(ServiceProcess.command(gateway, Path.of("java"), options)).contains(
                "--ladd.gateway.inference.base-url=http://localhost:18084,http://localhost:18094",
                "--ladd.gateway.routes.inference=http://localhost:18084");
        assertThat(ServiceProcess.command(inference.get(0), Path.of("java"), options))
                .contains("--server.port=18084", "--ladd.inference.replica-id=inference-service");
        assertThat(ServiceProcess.command(inference.get(1), Path.of("java"), options))
                .contains("--server.port=18094", "--ladd.inference.replica-id=inference-service-2");
        assertThat(options.services().stream().filter(s -> s.name().equals("trainer-service")).map(ServiceSpec::port))
                .containsExactly(18082, 18092);
    }

    @Test
    void theSecretFilesAreOwnerOnlyFromTheStartAndALooseOneIsTightened() throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"));
        String adminKey = GatewayAdminKey.get(options);
        String serviceToken = ServiceTokenFile.get(options);
        assertThat(adminKey).startsWith("ladd_").hasSize(48);
        assertThat(serviceToken).hasSize(43).isNotEqualTo(adminKey.substring(5));
        for (Path file : List.of(GatewayAdminKey.file(options), ServiceTokenFile.file(options))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
        assertThat(Files.list(options.workDir()).map(p -> p.getFileName().toString()))
                .as("no temporary file left").containsExactlyInAnyOrder("gateway-admin-key", "service-token");
        assertThat(GatewayAdminKey.get(options)).as("made once").isEqualTo(adminKey);

        // a key file others can read (an older launcher, a copy, a umask) is made owner-only, saying so
        Files.setPosixFilePermissions(GatewayAdminKey.file(options), PosixFilePermissions.fromString("rw-r--r--"));
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        assertThat(SecretFile.readOrCreate(GatewayAdminKey.file(options), "ladd_",
                new PrintStream(warnings, true, StandardCharsets.UTF_8))).isEqualTo(adminKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(GatewayAdminKey.file(options))))
                .isEqualTo("rw-------");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).contains("could be read by other users (rw-r--r--)")
                .doesNotContain(adminKey);

        // a link where the file should be is refused (it could point anywhere)
        Path link = tmp.resolve("work/link-key");
        Files.createSymbolicLink(link, GatewayAdminKey.file(options));
        assertThatThrownBy(() -> SecretFile.readOrCreate(link, "ladd_", System.err))
                .hasMessageContaining("is a symbolic link");
    }

    private LocalPlatformOptions optionsWithFakeJars(Map<String, Class<?>> mains, String... args) throws IOException {
        Path repo = tmp.resolve("repo");
        for (var entry : mains.entrySet()) {
            ServiceSpec spec = new ServiceSpec(entry.getKey(), 0, "64m");
            writeJar(spec.jar(repo), entry.getValue());
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--repo-dir=" + repo);
        all.add("--heap=64m");
        return LocalPlatformTestSupport.options(tmp.resolve("work"), all.toArray(String[]::new));
    }

    /** A runnable jar holding the FakeService classes, with {@code main} as its Main-Class. */
    static void writeJar(Path jar, Class<?> main) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path packageDir = classes.resolve("dev/ladd/local");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             var classFiles = Files.list(packageDir)) {
            for (Path classFile : classFiles.filter(p -> p.getFileName().toString().startsWith("FakeService")).toList()) {
                out.putNextEntry(new JarEntry("dev/ladd/local/" + classFile.getFileName()));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
    }
}
