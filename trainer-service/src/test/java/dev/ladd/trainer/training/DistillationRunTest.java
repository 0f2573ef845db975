package dev.ladd.trainer.training;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunState;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A tiny LADD run end to end on the trainer's own worker, over a real broker and a real PostgreSQL. */
@ServiceIntegrationTest
@TestPropertySource(properties = {
        "ladd.trainer.synthetic-data.samples-per-request=8", "ladd.trainer.synthetic-data.shard-size=4",
        "ladd.trainer.synthetic-data.requests-per-run=2", "ladd.trainer.execution.poll-interval=200ms"})
class DistillationRunTest extends EventContract {

    /** The trainer's Fashion-MNIST folder: empty until {@link #discriminatorDataRealIsRefusedUntilFashionMnistIsInstalledThenTrainsOnItsLatents} installs it. */
    static final Path FASHION_MNIST = tempDir().resolve("fashion-mnist");

    @DynamicPropertySource
    static void realData(DynamicPropertyRegistry registry) {
        registry.add("ladd.trainer.real-data.fashion-mnist-dir", FASHION_MNIST::toString);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("trainer-real-data");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Autowired
    BlobStore blobs;
    @Autowired
    RunRepository runs;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${ladd.blob-store.root}")
    Path blobRoot;
    @LocalServerPort
    int port;

    @Test
    void aRunTrainsOnItsShardsAndPublishesEachCheckpointOnceThenCompletes() throws Exception {
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        String runId = "run-" + UUID.randomUUID();
        TinyRunFixtures.requestRun(kafka, runs, runId, TinyRunFixtures.config());
        fixtures.sendAllShards(kafka, runId);

        await().atMost(Duration.ofSeconds(90)).until(() -> runs.find(runId).map(r -> r.state() == RunState.COMPLETED).orElse(false));

        List<EventEnvelope> checkpoints = kafka.readEvents(Topics.CHECKPOINTS, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId)).toList();
        assertThat(checkpoints).extracting(e -> e.getCheckpointPublished().getStep()).containsExactly(2, 4);
        assertThat(checkpoints).extracting(e -> e.getCheckpointPublished().getFinal()).containsExactly(false, true);
        for (EventEnvelope e : checkpoints) {
            var c = e.getCheckpointPublished();
            assertThat(blobs.get(new dev.ladd.ml.blob.BlobId(c.getStudent().getWeights().getSha256(), c.getStudent().getWeights().getSizeBytes())))
                    .isNotEmpty();
            assertThat(c.getTeacherId()).isEqualTo("tiny");
            // the claim checks of the teacher and of its autoencoder, from the shards, for eval-service
            assertThat(c.getTeacher().getWeights().getSha256()).isEqualTo(fixtures.teacher().weights().sha256());
            assertThat(c.getTeacher().getManifest().getSha256()).isEqualTo(fixtures.teacher().manifest().sha256());
            assertThat(c.getAutoencoder().getWeights().getSha256()).isEqualTo(fixtures.autoencoder().weights().sha256());
            assertThat(c.getAutoencoder().getWeights().getSizeBytes()).isEqualTo(fixtures.autoencoder().weights().sizeBytes());
            assertThat(c.getAutoencoder().getManifest().getSha256()).isEqualTo(fixtures.autoencoder().manifest().sha256());
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM run_metric WHERE run_id = ?", Integer.class, runId)).isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT data_requests FROM run WHERE run_id = ?", Integer.class, runId)).isEqualTo(2);

        List<EventEnvelope> lifecycle = kafka.readEvents(Topics.RUN_LIFECYCLE, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId)).toList();
        assertThat(lifecycle).extracting(EventEnvelope::getType).containsExactly("RunStarted", "RunFinished");
        assertThat(lifecycle.get(1).getRunFinished().getOutcome()).isEqualTo(RunOutcome.RUN_OUTCOME_COMPLETED);
        assertThat(lifecycle.get(1).getRunFinished().getStepsCompleted()).isEqualTo(4);
    }

    @Test
    void aShardThatFailsItsChecksumIsNeverTrainedOnAndTheRunFailsSayingWhy() throws Exception {
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        String runId = "run-" + UUID.randomUUID();
        TinyRunFixtures.requestRun(kafka, runs, runId, TinyRunFixtures.config());
        // a stored shard whose bytes were damaged after it was announced
        var damaged = fixtures.shardBlob(7, 0);   // bytes no other run uses: blobs are shared by content
        Path file = blobRoot.resolve("sha256").resolve(damaged.sha256().substring(0, 2)).resolve(damaged.sha256());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x55;
        file.toFile().setWritable(true);
        Files.write(file, bytes);
        kafka.send(Topics.SYNTHETIC_SHARDS, runId, fixtures.shardEvent(runId, 0, 0, damaged));
        kafka.send(Topics.SYNTHETIC_SHARDS, runId, fixtures.shardEvent(runId, 0, 1, fixtures.shardBlob(0, 1)));

        await().atMost(Duration.ofSeconds(60)).until(() -> runs.find(runId).map(r -> r.state() == RunState.FAILED).orElse(false));
        assertThat(runs.find(runId).orElseThrow().failureReason()).contains("shard 0/0").contains(damaged.sha256());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM run_metric WHERE run_id = ?", Integer.class, runId)).isZero();
    }

    @Test
    void nonFiniteLatentsStopTheRunAtItsStepNamingTheTermsAndNothingIsPublished() throws Exception {
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        String runId = "run-" + UUID.randomUUID();
        TinyRunFixtures.requestRun(kafka, runs, runId, TinyRunFixtures.config());
        for (int request = 0; request < TinyRunFixtures.REQUESTS; request++) {
            for (int shard = 0; shard < TinyRunFixtures.SAMPLES_PER_REQUEST / TinyRunFixtures.SHARD_SIZE; shard++) {
                kafka.send(Topics.SYNTHETIC_SHARDS, runId,
                        fixtures.shardEvent(runId, request, shard, fixtures.nonFiniteShardBlob(request, shard)));
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> runs.find(runId).map(r -> r.state() == RunState.FAILED).orElse(false));
        assertThat(runs.find(runId).orElseThrow().failureReason())
                .startsWith("training failed: LADD training stopped at step 1: ")
                .contains("distillation_mse is NaN", "loss_student is NaN");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM run_metric WHERE run_id = ?", Integer.class, runId)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM checkpoint WHERE run_id = ?", Integer.class, runId)).isZero();
        List<EventEnvelope> lifecycle = kafka.readEvents(Topics.RUN_LIFECYCLE, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId)).toList();
        assertThat(lifecycle).extracting(EventEnvelope::getType).containsExactly("RunStarted", "RunFinished");
        assertThat(lifecycle.get(1).getRunFinished().getOutcome()).isEqualTo(RunOutcome.RUN_OUTCOME_FAILED);
    }

    @Test
    void anInvalidConfigFailsTheRunWithTheReasonInsteadOfRetrying() {
        String runId = "run-" + UUID.randomUUID();
        kafka.send(Topics.RUN_REQUESTED, runId, TinyRunFixtures.runRequested(runId,
                TinyRunFixtures.config().toBuilder().setStudentNoise("sometimes").build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).map(r -> r.state() == RunState.FAILED).orElse(false));
        assertThat(runs.find(runId).orElseThrow().failureReason()).contains("studentNoise must be 'fresh' or 'shard'");
    }

    /**
     * discriminatorData 'real' end to end: without the dataset the API refuses the run (400 naming the folder and the
     * package) and a RunRequested from elsewhere fails at once, saying the same; with it (a tiny one, written here as
     * the package would install it) a run started through the API trains on the real latents of its teacher's
     * autoencoder, with the other discriminator switches on too, to its last checkpoint.
     */
    @Test
    void discriminatorDataRealIsRefusedUntilFashionMnistIsInstalledThenTrainsOnItsLatents() throws Exception {
        String body = "{\"teacherId\":\"tiny\",\"iterations\":4,\"checkpointInterval\":2,\"batchSize\":4,\"headChannels\":8,"
                + "\"seed\":5,\"studentLearningRate\":1e-3,\"headLearningRate\":1e-3,\"r1Weight\":0.1,"
                + "\"discriminatorData\":\"real\",\"adversarialLoss\":\"softplus\",\"headLogits\":\"token\","
                + "\"headNorm\":\"group\",\"sharedRenoise\":true,\"wrongPromptFakes\":true,\"adversarialRampIterations\":2}";
        HttpResponse<String> refused = postRun(body);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("discriminatorData 'real' needs Fashion-MNIST", FASHION_MNIST.toString(),
                "apt-get install dataset-fashion-mnist").doesNotContain("Exception");

        String fromElsewhere = "run-" + UUID.randomUUID();
        kafka.send(Topics.RUN_REQUESTED, fromElsewhere, TinyRunFixtures.runRequested(fromElsewhere,
                TinyRunFixtures.config().toBuilder().setDiscriminatorData("real").build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(fromElsewhere).map(r -> r.state() == RunState.FAILED).orElse(false));
        assertThat(runs.find(fromElsewhere).orElseThrow().failureReason()).contains("apt-get install dataset-fashion-mnist");

        TinyFashionMnist.write(FASHION_MNIST, 16);
        HttpResponse<String> started = postRun(body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String runId = started.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).isPresent());
        assertThat(runs.laddConfig(runId)).contains("\"discriminatorData\":\"real\"", "\"adversarialLoss\":\"softplus\"",
                "\"headLogits\":\"token\"", "\"headNorm\":\"group\"", "\"sharedRenoise\":true", "\"wrongPromptFakes\":true",
                "\"adversarialRampIterations\":2");
        new TinyRunFixtures(blobs).sendAllShards(kafka, runId);

        await().atMost(Duration.ofSeconds(120)).until(() -> runs.find(runId).map(r -> r.state().isFinal()).orElse(false));
        assertThat(runs.find(runId).orElseThrow().failureReason()).isNull();
        assertThat(runs.find(runId).orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM run_metric WHERE run_id = ?", Integer.class, runId)).isEqualTo(4);
        assertThat(kafka.readEvents(Topics.CHECKPOINTS, Integer.MAX_VALUE, Duration.ofSeconds(5)).stream()
                .filter(e -> e.getCorrelationId().equals(runId)))
                .extracting(e -> e.getCheckpointPublished().getStep()).containsExactly(2, 4);
    }

    private HttpResponse<String> postRun(String json) throws Exception {
        return HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + "/api/v1/runs"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
