package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.teacher.registry.TeacherRegistry;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.platform.security.ServiceToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.teacher.registry.AutoencoderRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** teacher-service's consumer over a real broker and a real PostgreSQL. */
abstract class TeacherEventsContract extends EventContract {

    /** The only folder the import API may read from (ladd.teacher.imports.root); model folders for imports go in it. */
    static final Path IMPORT_ROOT = tempDirectory("teacher-imports-");

    @DynamicPropertySource
    static void importRoot(DynamicPropertyRegistry properties) {
        properties.add("ladd.teacher.imports.root", IMPORT_ROOT::toString);
    }

    static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SyntheticRequestRepository requests;

    @Autowired
    TeacherRegistry registry;
    @Autowired
    BlobStore blobs;

    @BeforeEach
    void registerTheTinyTeacher() throws Exception {
        if (jdbc.queryForObject("SELECT count(*) FROM teacher WHERE teacher_id = 'known'", Integer.class) == 0) {
            registry.importFolder("known", "a tiny random teacher for tests",
                    TinyTeacher.folder(Files.createTempDirectory("tiny-teacher")), "registered");
        }
    }


    static EventEnvelope request(String runId, String teacherId, int numSamples) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setSyntheticDataRequested(
                SyntheticDataRequested.newBuilder().setRunId(runId).setRequestId(runId + "/data-0").setTeacherId(teacherId)
                        .setNumSamples(numSamples).setShardSize(4).setSamplerSteps(2).setCfgScale(1.5f).setSeed(1)));
    }

    boolean recorded(String runId) {
        return requests.find(runId + "/data-0").isPresent();
    }

    List<EventEnvelope> rejectionsFor(String runId) {
        return kafka.readEvents(Topics.SYNTHETIC_SHARDS, Integer.MAX_VALUE, Duration.ofSeconds(4)).stream()
                .filter(e -> e.hasSyntheticDataRejected() && e.getSyntheticDataRejected().getRunId().equals(runId))
                .toList();
    }

    @Test
    void anUnknownTeacherIsRejectedOnceEvenWhenTheRequestArrivesTwice() {
        String runId = "run-" + UUID.randomUUID();
        String marker = "run-" + UUID.randomUUID();

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.SYNTHETIC_DATA_REQUESTED, runId,
                request(runId, "nobody", 6), request(marker, "known", 6), () -> recorded(marker), () -> {
                    assertThat(requests.find(runId + "/data-0")).get().satisfies(r -> {
                        assertThat(r.state()).isEqualTo("rejected");
                        assertThat(r.reason()).isEqualTo("unknown teacher 'nobody'");
                    });
                    List<EventEnvelope> rejections = rejectionsFor(runId);
                    assertThat(rejections).hasSize(1);
                    assertThat(rejections.get(0).getSyntheticDataRejected().getReason()).contains("unknown teacher");
                    assertThat(requests.find(marker + "/data-0")).get().extracting(SyntheticRequest::state)
                            .isIn("accepted", "produced");
                });
    }

    @Test
    void anAbsurdSizeIsRejectedWithAReasonNotRetried() {
        String runId = "run-" + UUID.randomUUID();
        kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, runId, request(runId, "known", 2_000_000_000));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> recorded(runId));
        assertThat(requests.find(runId + "/data-0")).get().extracting(SyntheticRequest::reason)
                .asString().startsWith("num_samples must be in [1, 200000]");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rejectionsFor(runId).size() == 1);
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextRequestIsStillRecorded() {
        String runId = "run-" + UUID.randomUUID();
        ConsumerChecks.malformedPayloadIsDeadLetteredAndConsumingGoesOn(kafka, Topics.SYNTHETIC_DATA_REQUESTED,
                "teacher-service", runId, request(runId, "known", 2), () -> recorded(runId));
    }

    @Test
    void aRequestBecomesVerifiedShardsInTheBlobStoreAnnouncedOnceEvenWhenDeliveredTwice() throws Exception {
        String runId = "run-" + UUID.randomUUID();
        String marker = "run-" + UUID.randomUUID();
        EventEnvelope event = request(runId, "known", 10);   // shards of 4: 4 + 4 + 2

        ConsumerChecks.redeliveredEventIsAppliedOnce(kafka, Topics.SYNTHETIC_DATA_REQUESTED, runId, event,
                request(marker, "nobody", 1), () -> recorded(marker), () -> { });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() ->
                "produced".equals(requests.find(runId + "/data-0").map(SyntheticRequest::state).orElse("")));

        List<SyntheticShardProduced> shards = kafka.readEvents(Topics.SYNTHETIC_SHARDS, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.hasSyntheticShardProduced() && e.getSyntheticShardProduced().getRunId().equals(runId))
                .map(EventEnvelope::getSyntheticShardProduced).toList();
        assertThat(shards).extracting(SyntheticShardProduced::getShardIndex).containsExactly(0, 1, 2);
        assertThat(shards).extracting(SyntheticShardProduced::getCount).containsExactly(4, 4, 2);
        for (SyntheticShardProduced shard : shards) {
            assertThat(shard.getShardCount()).isEqualTo(3);
            byte[] bytes = blobs.get(new BlobId(shard.getShard().getSha256(), shard.getShard().getSizeBytes())); // verifies the sha256
            LatentShard latents = LatentShard.fromSafetensors(bytes);
            assertThat(latents.count()).isEqualTo(shard.getCount());
            assertThat(latents.prompts()).containsExactlyElementsOf(shard.getPromptsList());
            assertThat(latents.seeds()).containsExactlyElementsOf(shard.getSeedsList());
            assertThat(latents.shape()).containsExactly(4, 8, 8);
            assertThat(latents.teacherId()).isEqualTo("known");
            // claim checks of the teacher and of its autoencoder, which the trainer hands on to eval-service
            assertThat(blobRef(shard.getTeacher().getWeights())).isEqualTo(registry.checkpointBlobs("known").weights());
            assertThat(blobRef(shard.getTeacher().getManifest())).isEqualTo(registry.checkpointBlobs("known").manifest());
            assertThat(blobRef(shard.getAutoencoder().getWeights())).isEqualTo(registry.autoencoderBlobs("known").weights());
            assertThat(blobRef(shard.getAutoencoder().getManifest())).isEqualTo(registry.autoencoderBlobs("known").manifest());
            assertThat(blobs.get(blobRef(shard.getAutoencoder().getWeights()))).isNotEmpty();   // verifies the sha256
        }
    }

    static BlobId blobRef(dev.ladd.events.v1.BlobRef ref) {
        return new BlobId(ref.getSha256(), ref.getSizeBytes());
    }

    @LocalServerPort
    int port;

    /** A request as the gateway sends it: with the service token. */
    HttpResponse<byte[]> http(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(TestServiceToken.add(request).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** An import as the gateway forwards an admin's. */
    HttpResponse<byte[]> importFolder(String teacherId, Path folder) throws Exception {
        return importFolder(teacherId, folder.toString(), "admin");
    }

    HttpResponse<byte[]> importFolder(String teacherId, String folder, String role) throws Exception {
        return http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/teachers/import"))
                .header("Content-Type", "application/json").header(ServiceToken.CALLER_ROLE_HEADER, role)
                .POST(HttpRequest.BodyPublishers.ofString("{\"teacherId\":\"" + teacherId + "\",\"folder\":\"" + folder + "\"}")));
    }

    @Test
    void theApiAnswersOnlyRequestsWithTheServiceTokenButTheProbesAreOpen() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/api/v1/teachers", "/api/v1/teachers/import", "/v3/api-docs")) {
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("application/problem+json"));
            assertThat(none.body()).contains(ServiceToken.HEADER + " is missing");
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header(ServiceToken.HEADER, TestServiceToken.newToken())
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.body()).contains("does not hold this platform's service token");
        }
        for (String path : List.of("/livez", "/readyz", "/actuator/health/liveness")) {
            assertThat(client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isNotEqualTo(401);
        }
        assertThat(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/teachers"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void importsAreForAdminsAndConfinedToTheImportRoot(@TempDir Path outside) throws Exception {
        Path inside = Files.createTempDirectory(IMPORT_ROOT, "model-");
        TinyTeacher.folder(inside);
        TinyTeacher.folder(outside);

        HttpResponse<byte[]> staff = importFolder("by-staff", inside.toString(), "ml-staff");
        assertThat(staff.statusCode()).isEqualTo(403);
        assertThat(new String(staff.body())).contains("needs an admin key");
        assertThat(importFolder("no-role", inside.toString(), "").statusCode()).isEqualTo(403);

        for (String folder : List.of(outside.toString(), inside + "/../../" + outside.getFileName(), "/etc")) {
            HttpResponse<byte[]> escaped = importFolder("escaped", folder, "admin");
            assertThat(escaped.statusCode()).as(folder).isEqualTo(400);
            assertThat(new String(escaped.body())).as(folder).contains("'folder'");
        }
        Path link = IMPORT_ROOT.resolve("link-" + UUID.randomUUID());
        Files.createSymbolicLink(link, outside);
        HttpResponse<byte[]> viaLink = importFolder("via-link", link.toString(), "admin");
        assertThat(viaLink.statusCode()).isEqualTo(400);
        assertThat(new String(viaLink.body())).contains("must be inside the import root");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM teacher WHERE teacher_id IN ('by-staff', 'no-role', "
                + "'escaped', 'via-link')", Integer.class)).isZero();

        // relative to the root, by an admin: imported
        assertThat(importFolder("relative-" + UUID.randomUUID().toString().substring(0, 8),
                inside.getFileName().toString(), "admin").statusCode()).isEqualTo(201);
    }

    @Test
    void anImportedModelFolderServesSampleGridsAsPng() throws Exception {
        Path dir = Files.createTempDirectory(IMPORT_ROOT, "model-");
        String id = "imported-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(importFolder(id, TinyTeacher.folder(dir)).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> png = http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/teachers/"
                + id + "/samples.png?prompt=a%20photo%20of%20a%20bag&steps=3&cfg=1.5&seed=4&count=4")));

        assertThat(png.statusCode()).isEqualTo(200);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(4 * (28 + 2) + 2);
        assertThat(image.getHeight()).isEqualTo(28 + 4);
        assertThat(importFolder(id, dir).statusCode()).as("the same id twice").isEqualTo(400);
    }

    @Test
    void badSampleParametersAndTamperedCheckpointsGetA400Problem() throws Exception {
        Path dir = Files.createTempDirectory(IMPORT_ROOT, "model-");
        HttpResponse<byte[]> bad = http(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/teachers/known/samples.png?prompt=x&steps=0&count=99")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body())).contains("steps").contains("count");

        Path folder = TinyTeacher.folder(dir);
        byte[] weights = Files.readAllBytes(folder.resolve("teacher.safetensors"));
        weights[weights.length - 1] ^= 1;
        Files.write(folder.resolve("teacher.safetensors"), weights);
        HttpResponse<byte[]> tampered = importFolder("tampered", folder);
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(new String(tampered.body())).contains("not a valid teacher checkpoint").contains("refusing");
    }

    HttpResponse<byte[]> post(String path, String json) throws Exception {
        return http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    String jobState(String jobId) throws Exception {
        return jobState("training-jobs", jobId);
    }

    String jobState(String collection, String jobId) throws Exception {
        String body = new String(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/" + collection + "/" + jobId))).body());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"state\":\"([a-z]+)\"").matcher(body);
        return m.find() ? m.group(1) : body;
    }

    String startJob(String teacherId) throws Exception {
        return started(post("/api/v1/training-jobs", "{\"teacherId\":\"" + teacherId
                + "\",\"baseTeacher\":\"known\",\"dataset\":\"tiny\",\"images\":32,\"steps\":40,"
                + "\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}"));
    }

    /** The id of the job a start request created. */
    static String started(HttpResponse<byte[]> started) {
        assertThat(started.statusCode()).as(new String(started.body())).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    String weightsOf(String teacherId) throws Exception {
        String body = new String(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/teachers"))).body());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"teacherId\":\"" + teacherId
                + "\"[^}]*\"weightsSha256\":\"([0-9a-f]{64})\"").matcher(body);
        assertThat(m.find()).as("teacher " + teacherId + " in " + body).isTrue();
        return m.group(1);
    }

    @Test
    void aTrainingJobStoppedAndResumedRegistersTheSameTeacherAsAnUninterruptedOne() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String straight = startJob("straight-" + suffix);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> jobState(straight).equals("completed"));

        String interrupted = startJob("resumed-" + suffix);
        assertThat(post("/api/v1/training-jobs/" + interrupted + "/stop", "").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> jobState(interrupted).equals("stopped"));
        assertThat(post("/api/v1/training-jobs/" + interrupted + "/stop", "").statusCode())
                .as("a stopped job cannot be stopped again").isEqualTo(400);
        assertThat(post("/api/v1/training-jobs/" + interrupted + "/resume", "").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> jobState(interrupted).equals("completed"));

        assertThat(weightsOf("resumed-" + suffix)).isEqualTo(weightsOf("straight-" + suffix));
        assertThat(post("/api/v1/training-jobs", "{\"teacherId\":\"x\",\"baseTeacher\":\"known\",\"dataset\":\"imagenet\","
                + "\"images\":1,\"steps\":0,\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}").statusCode()).isEqualTo(400);
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The entry with {@code field} = {@code id} of a listing such as /api/v1/teachers. */
    JsonNode listed(String listing, String field, String id) throws Exception {
        JsonNode all = JSON.readTree(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + listing))).body());
        for (JsonNode entry : all) {
            if (entry.path(field).asString().equals(id)) {
                return entry;
            }
        }
        throw new AssertionError(id + " is not in " + listing + ": " + all);
    }

    String startAutoencoderJob(String autoencoderId) throws Exception {
        return started(post("/api/v1/autoencoder-jobs", "{\"autoencoderId\":\"" + autoencoderId
                + "\",\"dataset\":\"tiny\",\"images\":32,\"steps\":12,\"batchSize\":4,\"learningRate\":0.002,"
                + "\"baseChannels\":4,\"seed\":5}"));
    }

    @Test
    void anAutoencoderJobStoppedAndResumedRegistersTheSameAutoencoderAsAnUninterruptedOne() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String straight = startAutoencoderJob("ae-straight-" + suffix);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120))
                .until(() -> jobState("autoencoder-jobs", straight).equals("completed"));

        String interrupted = startAutoencoderJob("ae-resumed-" + suffix);
        assertThat(post("/api/v1/autoencoder-jobs/" + interrupted + "/stop", "").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120))
                .until(() -> jobState("autoencoder-jobs", interrupted).equals("stopped"));
        JsonNode stopped = JSON.readTree(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/autoencoder-jobs/" + interrupted))).body());
        assertThat(stopped.path("kind").asString()).isEqualTo("autoencoder");
        assertThat(stopped.path("step").asLong()).isBetween(1L, 11L);
        assertThat(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/training-jobs/" + interrupted)))
                .statusCode()).as("an autoencoder job is not a teacher training job").isEqualTo(404);
        assertThat(post("/api/v1/autoencoder-jobs/" + interrupted + "/resume", "").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120))
                .until(() -> jobState("autoencoder-jobs", interrupted).equals("completed"));

        JsonNode a = listed("/api/v1/autoencoders", "autoencoderId", "ae-straight-" + suffix);
        JsonNode b = listed("/api/v1/autoencoders", "autoencoderId", "ae-resumed-" + suffix);
        assertThat(b.path("weightsSha256").asString()).matches("[0-9a-f]{64}").isEqualTo(a.path("weightsSha256").asString());
        assertThat(b.path("source").asString()).isEqualTo("trained");
        assertThat(b.path("step").asLong()).isEqualTo(12);
        assertThat(b.path("config").path("baseChannels").asInt()).isEqualTo(4);
        assertThat(b.path("metrics").path("psnr_db").isNumber()).as(b.toString()).isTrue();
        assertThat(b.path("metrics")).isEqualTo(a.path("metrics"));
        assertThat(b.path("metrics").path("final_loss").asDouble()).isPositive();
        assertThat(post("/api/v1/autoencoder-jobs", "{\"autoencoderId\":\"ae-straight-" + suffix + "\",\"dataset\":\"tiny\","
                + "\"images\":32,\"steps\":1,\"batchSize\":4,\"learningRate\":0.002,\"baseChannels\":4,\"seed\":5}")
                .statusCode()).as("the id is taken").isEqualTo(400);
        assertThat(post("/api/v1/autoencoder-jobs", "{\"autoencoderId\":\"x\",\"dataset\":\"tiny\",\"images\":32,"
                + "\"steps\":1,\"batchSize\":4,\"learningRate\":0.002,\"baseChannels\":0,\"seed\":5}").statusCode())
                .as("baseChannels 0").isEqualTo(400);
    }

    @Autowired
    AutoencoderRegistry autoencoders;

    @Test
    void aTeacherJobInARegisteredAutoencodersLatentSpaceRegistersATeacherWithThatAutoencoder() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Checkpoint checkpoint;
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, 11);
            checkpoint = AutoencoderCheckpoint.save(autoencoder, 0, Map.of());
        }
        autoencoders.register("ae-" + suffix, checkpoint, "trained");

        String job = started(post("/api/v1/training-jobs", "{\"teacherId\":\"in-ae-" + suffix + "\",\"autoencoderId\":\"ae-"
                + suffix + "\",\"dataset\":\"tiny\",\"images\":16,\"steps\":3,\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> jobState(job).equals("completed"));

        JsonNode teacher = listed("/api/v1/teachers", "teacherId", "in-ae-" + suffix);
        assertThat(teacher.path("autoencoderWeightsSha256").asString()).isEqualTo(checkpoint.manifest().weightsSha256());
        assertThat(teacher.path("source").asString()).isEqualTo("trained");
        assertThat(teacher.path("step").asLong()).isEqualTo(3);
        assertThat(teacher.path("config").path("denoiser").path("latentChannels").asInt()).isEqualTo(4);
        assertThat(teacher.path("metrics").path("final_loss").asDouble()).isPositive();
        assertThat(listed("/api/v1/training-jobs", "jobId", job).path("autoencoderId").asString()).isEqualTo("ae-" + suffix);
    }

    @Test
    void aTeacherJobNeedsExactlyOneKnownLatentSpace() throws Exception {
        String rest = "\"dataset\":\"tiny\",\"images\":16,\"steps\":3,\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}";
        HttpResponse<byte[]> both = post("/api/v1/training-jobs", "{\"teacherId\":\"t-both\",\"baseTeacher\":\"known\","
                + "\"autoencoderId\":\"some-ae\"," + rest);
        HttpResponse<byte[]> neither = post("/api/v1/training-jobs", "{\"teacherId\":\"t-neither\"," + rest);
        for (HttpResponse<byte[]> response : List.of(both, neither)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
            assertThat(JSON.readTree(response.body()).path("detail").asString())
                    .contains("exactly one of baseTeacher", "autoencoderId");
        }
        assertThat(JSON.readTree(both.body()).path("detail").asString()).endsWith("not both");
        assertThat(JSON.readTree(neither.body()).path("detail").asString()).endsWith("not neither");

        HttpResponse<byte[]> unknown = post("/api/v1/training-jobs", "{\"teacherId\":\"t-unknown\","
                + "\"autoencoderId\":\"no-such-autoencoder\"," + rest);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("detail").asString()).contains("no autoencoder with id 'no-such-autoencoder'");
    }

    @Test
    void listedTeachersCarryTheirManifestsConfigMetricsAndStep() throws Exception {
        JsonNode known = listed("/api/v1/teachers", "teacherId", "known");
        assertThat(known.path("config").isObject()).as(known.toString()).isTrue();
        assertThat(known.path("config").path("denoiser").path("latentHeight").asInt()).isEqualTo(8);
        assertThat(known.path("config").path("text").isObject()).isTrue();
        assertThat(known.path("metrics").isObject()).as("an object even when empty").isTrue();
        assertThat(known.path("step").asLong()).isZero();
        assertThat(known.path("autoencoderWeightsSha256").asString()).matches("[0-9a-f]{64}");
    }
}
