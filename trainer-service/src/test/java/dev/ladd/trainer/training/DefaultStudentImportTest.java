package dev.ladd.trainer.training;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.TrainerServiceApplication;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.Run;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed default student (docs/adr/014), here a tiny one made in code: imported on start as a completed run with
 * one checkpoint, published once whatever the restarts and replicas, and a bad folder refused saying why while the
 * trainer starts anyway. Real broker, real PostgreSQL, a second trainer started as a real Spring Boot application.
 */
@ServiceIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "ladd.trainer.execution.enabled=false")
class DefaultStudentImportTest extends EventContract {

    static final Path ROOT = tempDir();
    static final Path TEACHER = ROOT.resolve("teacher");
    static final Path STUDENT = ROOT.resolve("default-student");

    @Autowired
    RunRepository runs;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    BlobStore blobs;
    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    TrainerProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void defaultStudent(DynamicPropertyRegistry registry) throws IOException {
        TinyDefaultStudent.write(TEACHER, STUDENT, 11, 40);
        registry.add("ladd.trainer.default-student.dir", STUDENT::toString);
        registry.add("ladd.trainer.default-student.teacher-dir", TEACHER::toString);
    }

    @Test
    void theStudentIsImportedOnStartAsOneCompletedRunWhoseCheckpointIsPublishedOnceAcrossARestart(CapturedOutput output)
            throws Exception {
        CheckpointManifest manifest = CheckpointManifests.read(STUDENT.resolve("student.json"));
        String runId = DefaultStudentImport.runId(manifest);
        Run run = runs.find(runId).orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(run.iteration()).isEqualTo(40);
        assertThat(run.teacherId()).isEqualTo("default");
        assertThat(run.requestedBy()).isEqualTo("system:default-student");
        assertThat(run.importedFrom()).isEqualTo(STUDENT.toString());
        List<CheckpointRepository.Checkpoint> stored = checkpoints.list(runId);
        assertThat(stored).singleElement().satisfies(c -> {
            assertThat(c.checkpointId()).isEqualTo(runId + "-step-40");
            assertThat(c.isFinal()).isTrue();
            assertThat(c.state()).as("an imported checkpoint has no resume state").isNull();
        });

        CheckpointPublished published = publishedFor(runId, 1).get(0);
        assertThat(published.getCheckpointId()).isEqualTo(runId + "-step-40");
        assertThat(published.getStep()).isEqualTo(40);
        assertThat(published.getFinal()).isTrue();
        assertThat(published.getTeacherId()).isEqualTo("default");
        assertThat(published.getDefaultStudentFolder()).isEqualTo(STUDENT.toString());
        // every claim check is the file itself, in the blob store: the teacher's are those teacher-service registers
        assertSameFile(published.getStudent().getWeights(), STUDENT.resolve("student.safetensors"));
        assertSameFile(published.getStudent().getManifest(), STUDENT.resolve("student.json"));
        assertSameFile(published.getTeacher().getWeights(), TEACHER.resolve("teacher.safetensors"));
        assertSameFile(published.getTeacher().getManifest(), TEACHER.resolve("teacher.json"));
        assertSameFile(published.getAutoencoder().getWeights(), TEACHER.resolve("autoencoder.safetensors"));
        assertSameFile(published.getAutoencoder().getManifest(), TEACHER.resolve("autoencoder.json"));

        try (ConfigurableApplicationContext restarted = startAnotherTrainer(STUDENT)) {
            assertThat(isReady(restarted)).isTrue();
        }
        assertThat(output).contains("the default student from " + STUDENT + " is run " + runId + " already");
        publishedFor(runId, 1);
        assertThat(checkpoints.list(runId)).hasSize(1);
    }

    @Test
    void twoTrainersImportingTheSameStudentAtOnceImportItOnce() throws Exception {
        Path student = ROOT.resolve("student-raced");
        TinyDefaultStudent.write(TEACHER, student, 12, 8);
        String runId = DefaultStudentImport.runId(CheckpointManifests.read(student.resolve("student.json")));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<DefaultStudentImport.Outcome>> replicas = Stream.of(importer(student), importer(student))
                .map(i -> CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return i.importFolder();
                })).toList();
        go.countDown();
        assertThat(replicas.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(
                DefaultStudentImport.Outcome.IMPORTED, DefaultStudentImport.Outcome.ALREADY_IMPORTED);
        assertThat(checkpoints.list(runId)).hasSize(1);
        publishedFor(runId, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no folder", "no manifest", "damaged weights", "another parent", "no autoencoder"})
    void aBadFolderIsRefusedInOneLogLineNamingWhatIsWrongAndNothingIsImported(String damage, CapturedOutput output)
            throws IOException {
        Path student = ROOT.resolve("bad-" + damage.replace(' ', '-'));
        Path teacher = TEACHER;
        TinyDefaultStudent.write(TEACHER, student, 13, 8);
        String expected = switch (damage) {
            case "no folder" -> {
                delete(student.resolve("student.json"), student.resolve("student.safetensors"), student);
                yield student + " is not a folder";
            }
            case "no manifest" -> {
                delete(student.resolve("student.json"));
                yield student.resolve("student.json") + " is missing";
            }
            case "damaged weights" -> {
                byte[] bytes = Files.readAllBytes(student.resolve("student.safetensors"));
                bytes[bytes.length - 1] ^= 0x33;
                Files.write(student.resolve("student.safetensors"), bytes);
                yield student.resolve("student.safetensors") + " does not match " + student.resolve("student.json")
                        + ": weights SHA-256 " + sha256(bytes) + " is not the manifest's";
            }
            case "another parent" -> {
                Path json = student.resolve("student.json");
                String parent = CheckpointManifests.read(json).parent();
                Files.writeString(json, Files.readString(json).replace(parent, "0".repeat(64)));
                yield "names parent " + "0".repeat(64) + ", but the teacher in " + TEACHER + " has weights " + parent
                        + ": the student was not distilled from this teacher";
            }
            case "no autoencoder" -> {
                teacher = ROOT.resolve("teacher-without-autoencoder");
                Files.createDirectories(teacher);
                for (String file : List.of("teacher.json", "teacher.safetensors")) {
                    Files.copy(TEACHER.resolve(file), teacher.resolve(file));
                }
                yield teacher.resolve("autoencoder.json") + " is missing";
            }
            default -> throw new IllegalArgumentException(damage);
        };
        int runsBefore = runs.list(1000).size();

        assertThat(importer(student, teacher).importFolder()).isEqualTo(DefaultStudentImport.Outcome.REFUSED);

        assertThat(output).contains("the default student at " + student
                + " (ladd.trainer.default-student.dir) was refused and is not imported: ").contains(expected);
        assertThat(runs.list(1000)).hasSize(runsBefore);
    }

    @Test
    void aTrainerGivenABadFolderStartsAnywayAndSaysWhy(CapturedOutput output) throws Exception {
        Path student = ROOT.resolve("bad-at-start");
        TinyDefaultStudent.write(TEACHER, student, 14, 8);
        delete(student.resolve("student.safetensors"));
        try (ConfigurableApplicationContext trainer = startAnotherTrainer(student)) {
            assertThat(isReady(trainer)).isTrue();
        }
        assertThat(output).contains("the default student at " + student + " (ladd.trainer.default-student.dir) was refused"
                + " and is not imported: " + student.resolve("student.safetensors") + " is missing");
    }

    private DefaultStudentImport importer(Path student) {
        return importer(student, TEACHER);
    }

    private DefaultStudentImport importer(Path student, Path teacher) {
        TrainerProperties settings = new TrainerProperties(properties.syntheticData(), properties.execution(),
                new TrainerProperties.DefaultStudent(student, teacher, "default"), properties.realData());
        return new DefaultStudentImport(settings, blobs, runs, checkpoints, outbox, tx);
    }

    /** The run's CheckpointPublished events on the topic (all of them, after the outbox had time): {@code count} of them. */
    private List<CheckpointPublished> publishedFor(String runId, int count) {
        List<CheckpointPublished> events = kafka.readEvents(Topics.CHECKPOINTS, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId)).map(EventEnvelope::getCheckpointPublished).toList();
        assertThat(events).hasSize(count);
        return events;
    }

    private void assertSameFile(dev.ladd.events.v1.BlobRef ref, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(ref.getSha256()).isEqualTo(sha256(bytes));
        assertThat(ref.getSizeBytes()).isEqualTo(bytes.length);
        assertThat(blobs.get(new BlobId(ref.getSha256(), ref.getSizeBytes()))).isEqualTo(bytes);
    }

    /** Another trainer-service on the same database, broker and blob store, as a restart or a second replica is. */
    private ConfigurableApplicationContext startAnotherTrainer(Path student) {
        return new SpringApplicationBuilder(TrainerServiceApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=postgres",
                "--spring.cloud.stream.kafka.binder.brokers=" + brokers,
                "--ladd.blob-store.root=" + environment.getProperty("ladd.blob-store.root"),
                "--ladd.trainer.execution.enabled=false",
                "--ladd.service-auth.token=" + environment.getProperty("ladd.service-auth.token"),
                "--ladd.trainer.default-student.dir=" + student,
                "--ladd.trainer.default-student.teacher-dir=" + TEACHER);
    }

    private static boolean isReady(ConfigurableApplicationContext context) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200;
    }

    private static void delete(Path... paths) throws IOException {
        for (Path path : paths) {
            Files.delete(path);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ladd-default-student-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
