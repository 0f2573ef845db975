package dev.ladd.trainer.training;

import dev.ladd.platform.security.ServiceToken;
import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunState;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trainer that dies mid-run loses everything in memory: the student, the heads, both optimizers, the
 * iteration and the data position. Here the worker is off and the test drives {@link RunExecutor}
 * itself, abandoning a run after an iteration that no checkpoint covers and then training it again
 * from nothing but what is in PostgreSQL and the blob store, as a restarted trainer does.
 */
@ServiceIntegrationTest
@TestPropertySource(properties = {
        "ladd.trainer.synthetic-data.samples-per-request=8", "ladd.trainer.synthetic-data.shard-size=4",
        "ladd.trainer.synthetic-data.requests-per-run=2", "ladd.trainer.execution.enabled=false"})
class ResumeAfterCrashTest extends EventContract {

    @Autowired
    BlobStore blobs;
    @Autowired
    RunRepository runs;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    RunExecutor executor;
    @LocalServerPort
    int port;

    @Test
    void aRunResumedFromItsLastCheckpointEndsWithTheWeightsOfAnUninterruptedRunAndPublishesEachCheckpointOnce()
            throws Exception {
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        String uninterrupted = newRunWithData(fixtures);
        String crashed = newRunWithData(fixtures);

        executor.train(uninterrupted, () -> true);
        executor.train(crashed, stopBeforeCall(4));          // iterations 1-3 done, the checkpoint at 2 is the last
        assertThat(runs.find(crashed).orElseThrow().iteration()).isEqualTo(3);
        assertThat(checkpoints.list(crashed)).extracting(CheckpointRepository.Checkpoint::step).containsExactly(2);
        executor.train(crashed, () -> true);                 // a new LaddTraining: only the database and blobs carry over

        var a = checkpoints.list(uninterrupted);
        var b = checkpoints.list(crashed);
        assertThat(b).extracting(CheckpointRepository.Checkpoint::step).containsExactly(2, 4);
        assertThat(b.get(0).weights()).as("checkpoint 2 weights").isEqualTo(a.get(0).weights());
        assertThat(b.get(0).state()).as("checkpoint 2 state").isEqualTo(a.get(0).state());
        assertThat(b.get(1).weights()).isEqualTo(a.get(1).weights());
        assertThat(b.get(1).state()).isEqualTo(a.get(1).state());
        assertThat(runs.find(crashed).orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        List<EventEnvelope> published = kafka.readEvents(Topics.CHECKPOINTS, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(crashed)).toList();
        assertThat(published).extracting(e -> e.getCheckpointPublished().getStep()).containsExactly(2, 4);
    }

    @Test
    void cancellingThroughTheApiStopsATrainingRunAndAWaitingOneAtOnce() throws Exception {
        TinyRunFixtures fixtures = new TinyRunFixtures(blobs);
        String training = newRunWithData(fixtures);
        executor.train(training, stopBeforeCall(2));
        assertThat(runs.find(training).orElseThrow().state()).isEqualTo(RunState.TRAINING);
        assertThat(post("/api/v1/runs/" + training + "/cancel").statusCode()).isEqualTo(200);
        executor.train(training, () -> true);
        assertThat(runs.find(training).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(runs.find(training).orElseThrow().iteration()).isEqualTo(1);

        String waiting = "run-" + UUID.randomUUID();
        kafka.send(Topics.RUN_REQUESTED, waiting, TinyRunFixtures.runRequested(waiting, TinyRunFixtures.config()));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(waiting).isPresent());
        assertThat(post("/api/v1/runs/" + waiting + "/cancel").statusCode()).isEqualTo(200);
        assertThat(runs.find(waiting).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        HttpResponse<String> again = post("/api/v1/runs/" + waiting + "/cancel");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("only an unfinished run can be cancelled");
        assertThat(post("/api/v1/runs/nope/cancel").statusCode()).isEqualTo(404);

        List<EventEnvelope> finished = kafka.readEvents(Topics.RUN_LIFECYCLE, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.hasRunFinished() && (e.getCorrelationId().equals(training)
                        || e.getCorrelationId().equals(waiting))).toList();
        assertThat(finished).extracting(e -> e.getRunFinished().getOutcome())
                .containsOnly(RunOutcome.RUN_OUTCOME_CANCELLED).hasSize(2);
    }

    @Test
    void startingARunThroughTheTrainerApiPublishesRunRequestedAndBadBodiesGetA400NamingTheField() throws Exception {
        HttpResponse<String> started = HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/runs"))).header("Content-Type", "application/json")
                        .header(ServiceToken.CALLER_HEADER, "alice")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"teacherId\":\"tiny\",\"iterations\":3,\"seed\":4}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        String runId = started.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).isPresent());
        assertThat(runs.find(runId).orElseThrow().iterations()).isEqualTo(3);
        // the defaults written into the event are the ones GET /api/v1/runs/defaults shows (docs/adr/020)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.RUN_REQUESTED, Integer.MAX_VALUE, Duration.ofSeconds(3))).anySatisfy(e -> {
                    assertThat(e.getRunRequested().getRunId()).isEqualTo(runId);
                    assertThat(e.getRunRequested().getRequestedBy()).isEqualTo("alice");
                    var config = e.getRunRequested().getConfig();
                    assertThat(config.getIterations()).isEqualTo(3);
                    assertThat(config.getSeed()).isEqualTo(4);
                    assertThat(config.getBatchSize()).isEqualTo(64);
                    assertThat(config.getCheckpointInterval()).isEqualTo(250);
                    assertThat(config.getStudentLearningRate()).isEqualTo(1e-5f);
                    assertThat(config.getHeadLearningRate()).isEqualTo(1e-4f);
                    assertThat(config.getDevice()).isEqualTo("cpu");
                    assertThat(config.hasRenoiseMean()).isFalse();
                }));
        HttpResponse<String> defaults = HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/api/v1/runs/defaults"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(defaults.statusCode()).isEqualTo(200);
        assertThat(defaults.body()).contains("\"iterations\":2000", "\"checkpointInterval\":250", "\"batchSize\":64",
                "\"studentNoise\":\"fresh\"", "\"samplerEta\":1.0");

        HttpResponse<String> unknownField = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"iteration\":5}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknownField.body()).contains("iteration");

        HttpResponse<String> badJson = post("/api/v1/runs", "{\"teacherId\": ");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("not valid JSON");

        HttpResponse<String> badLadd = post("/api/v1/runs", "{\"teacherId\":\"t\",\"studentNoise\":\"loud\",\"emaDecay\":1.5,"
                + "\"discriminatorSteps\":0,\"samplerEta\":2,\"device\":\"tpu\"}");
        assertThat(badLadd.statusCode()).isEqualTo(400);
        assertThat(badLadd.body()).contains("\"field\":\"studentNoise\"").contains("\"field\":\"emaDecay\"")
                .contains("\"field\":\"samplerEta\"").contains("\"field\":\"discriminatorSteps\"")
                .contains("\"field\":\"device\"");

        HttpResponse<String> badValues = post("/api/v1/runs", "{\"teacherId\":\"../x\",\"iterations\":0}");
        assertThat(badValues.statusCode()).isEqualTo(400);
        assertThat(badValues.body()).contains("\"field\":\"teacherId\"").contains("\"field\":\"iterations\"");

        HttpResponse<String> badQuery = HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/api/v1/runs/" + runId + "/metrics?after=-1"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badQuery.statusCode()).isEqualTo(400);
    }

    /**
     * The discriminator's switches (and the renoise, block, beta and R1 settings) are run settings under LaddConfig's
     * names: written into the event only when given, validated field by field, and a combination LaddConfig refuses
     * is a 400 saying why, not a run that fails later.
     */
    @Test
    void theDiscriminatorSwitchesAreRunSettingsAndWhatLaddConfigRefusesIsA400() throws Exception {
        HttpResponse<String> started = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"distillationWeight\":1,"
                + "\"adversarialWeight\":0,\"adversarialRampIterations\":50,\"adversarialLoss\":\"softplus\","
                + "\"sharedRenoise\":true,\"headLogits\":\"token\",\"headNorm\":\"group\",\"headChannels\":16,"
                + "\"wrongPromptFakes\":true,\"discriminatorData\":\"synthetic\",\"renoiseStd\":0.5,"
                + "\"featureBlocks\":[0,1],\"beta1\":0.5,\"beta2\":0.99,\"r1Sigma\":0.05}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String runId = started.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kafka.readEvents(Topics.RUN_REQUESTED, Integer.MAX_VALUE, Duration.ofSeconds(3))).anySatisfy(e -> {
                    assertThat(e.getRunRequested().getRunId()).isEqualTo(runId);
                    var config = e.getRunRequested().getConfig();
                    assertThat(config.hasAdversarialWeight()).isTrue();   // 0, the ablation: given, not "unset"
                    assertThat(config.getAdversarialWeight()).isZero();
                    assertThat(config.getAdversarialRampIterations()).isEqualTo(50);
                    assertThat(config.getAdversarialLoss()).isEqualTo("softplus");
                    assertThat(config.getSharedRenoise()).isTrue();
                    assertThat(config.getHeadLogits()).isEqualTo("token");
                    assertThat(config.getHeadNorm()).isEqualTo("group");
                    assertThat(config.getWrongPromptFakes()).isTrue();
                    assertThat(config.getDiscriminatorData()).isEqualTo("synthetic");
                    assertThat(config.getRenoiseStd()).isEqualTo(0.5f);
                    assertThat(config.getFeatureBlocksList()).containsExactly(0, 1);
                    assertThat(config.getBeta1()).isEqualTo(0.5f);
                    assertThat(config.getBeta2()).isEqualTo(0.99f);
                    assertThat(config.getR1Sigma()).isEqualTo(0.05f);
                }));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).isPresent());
        assertThat(runs.find(runId).orElseThrow().state()).isEqualTo(RunState.WAITING_FOR_DATA);   // not failed

        HttpResponse<String> badValues = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"adversarialLoss\":\"wasserstein\","
                + "\"headLogits\":\"pixel\",\"headNorm\":\"batch\",\"discriminatorData\":\"imagenet\",\"adversarialWeight\":-1,"
                + "\"adversarialRampIterations\":-1,\"renoiseStd\":0,\"beta1\":1,\"featureBlocks\":[-1]}");
        assertThat(badValues.statusCode()).isEqualTo(400);
        assertThat(badValues.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(badValues.body()).contains("\"field\":\"adversarialLoss\"", "must be 'hinge' or 'softplus'",
                "\"field\":\"headLogits\"", "\"field\":\"headNorm\"", "\"field\":\"discriminatorData\"",
                "must be 'synthetic' or 'real'", "\"field\":\"adversarialWeight\"", "\"field\":\"adversarialRampIterations\"",
                "\"field\":\"renoiseStd\"", "\"field\":\"beta1\"", "\"field\":\"featureBlocks[0]");

        HttpResponse<String> notABoolean = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"sharedRenoise\":\"yes\"}");
        assertThat(notABoolean.statusCode()).isEqualTo(400);
        assertThat(notABoolean.body()).contains("\"field\":\"sharedRenoise\"", "must be true or false");

        // each field is valid alone; LaddConfig refuses the combination: a 400 naming it, and no run
        HttpResponse<String> groupOf12 = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"headNorm\":\"group\",\"headChannels\":12}");
        assertThat(groupOf12.statusCode()).isEqualTo(400);
        assertThat(groupOf12.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(groupOf12.body()).contains("headNorm 'group' needs headChannels divisible by 8").doesNotContain("runId");
        HttpResponse<String> noLoss = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"adversarialWeight\":0}");
        assertThat(noLoss.statusCode()).isEqualTo(400);
        assertThat(noLoss.body()).contains("adversarialWeight and distillationWeight are both 0");
        HttpResponse<String> blocksDown = post("/api/v1/runs", "{\"teacherId\":\"tiny\",\"featureBlocks\":[2,1]}");
        assertThat(blocksDown.statusCode()).isEqualTo(400);
        assertThat(blocksDown.body()).contains("featureBlocks must be ascending");

        HttpResponse<String> defaults = HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/api/v1/runs/defaults"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(defaults.body()).contains("\"adversarialWeight\":1.0", "\"adversarialRampIterations\":0",
                "\"adversarialLoss\":\"hinge\"", "\"sharedRenoise\":false", "\"headLogits\":\"image\"",
                "\"headNorm\":\"layer\"", "\"wrongPromptFakes\":false", "\"discriminatorData\":\"synthetic\"",
                "\"renoiseStd\":1.0", "\"featureBlocks\":[]", "\"r1Sigma\":0.01");
    }

    private String newRunWithData(TinyRunFixtures fixtures) throws Exception {
        String runId = "run-" + UUID.randomUUID();
        TinyRunFixtures.requestRun(kafka, runs, runId, TinyRunFixtures.config());
        fixtures.sendAllShards(kafka, runId);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).map(r -> r.shardsReceived() == 4).orElse(false));
        return runId;
    }

    /** A keep-going signal that turns false on its n-th check (checked once before each iteration). */
    private static BooleanSupplier stopBeforeCall(int n) {
        AtomicInteger calls = new AtomicInteger();
        return () -> calls.incrementAndGet() < n;
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
