package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.teacher.registry.TeacherRegistry;
import dev.ladd.platform.test.ConsumerChecks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** teacher-service's consumer over a real broker and a real PostgreSQL. */
abstract class TeacherEventsContract extends EventContract {

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
        }
    }

    @LocalServerPort
    int port;

    HttpResponse<byte[]> http(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> importFolder(String teacherId, Path folder) throws Exception {
        return http(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/teachers/import"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"teacherId\":\"" + teacherId + "\",\"folder\":\"" + folder + "\"}")));
    }

    @Test
    void anImportedModelFolderServesSampleGridsAsPng(@TempDir Path dir) throws Exception {
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
    void badSampleParametersAndTamperedCheckpointsGetA400Problem(@TempDir Path dir) throws Exception {
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
        String body = new String(http(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/training-jobs/" + jobId))).body());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"state\":\"([a-z]+)\"").matcher(body);
        return m.find() ? m.group(1) : body;
    }

    String startJob(String teacherId) throws Exception {
        HttpResponse<byte[]> started = post("/api/v1/training-jobs", "{\"teacherId\":\"" + teacherId
                + "\",\"baseTeacher\":\"known\",\"dataset\":\"tiny\",\"images\":32,\"steps\":40,"
                + "\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}");
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
}
