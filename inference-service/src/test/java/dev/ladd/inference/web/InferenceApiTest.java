package dev.ladd.inference.web;

import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.inference.TinyServingModels;
import dev.ladd.inference.batch.DynamicBatcher;
import dev.ladd.inference.batch.ImageGenerator;
import dev.ladd.inference.batch.ServedModelGenerator;
import dev.ladd.inference.model.ServedModel;
import dev.ladd.inference.model.ServingModels;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.PlatformProperties;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The images API and the hot swap over a real broker and a real PostgreSQL, with tiny models made in the test and
 * the desired model sent as ServingDesired events to the embedded Kafka, as the gateway sends them.
 */
@ServiceIntegrationTest
@Import(InferenceApiTest.Gate.class)
class InferenceApiTest extends EventContract {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Requests with this prompt wait at the gate inside their model call (the 429 test's slow batch). */
    static final String BLOCKING_PROMPT = "wait for the gate";

    @DynamicPropertySource
    static void small(DynamicPropertyRegistry registry) {
        registry.add("ladd.inference.queue-capacity", () -> "8");
        registry.add("ladd.inference.max-batch-size", () -> "4");
        registry.add("ladd.inference.max-batch-wait", () -> "5ms");
        registry.add("ladd.inference.retry-after", () -> "2s");
        registry.add("ladd.inference.replica-id", () -> "replica-under-test");
        registry.add("ladd.inference.swap.poll-interval", () -> "500ms");
        registry.add("ladd.inference.swap.retry-delay", () -> "200ms");
        registry.add("ladd.inference.swap.max-retry-delay", () -> "1s");
    }

    /** The service's generator behind a gate that holds batches with {@link #BLOCKING_PROMPT} while it is closed. */
    @TestConfiguration
    static class Gate {
        static volatile CountDownLatch open = new CountDownLatch(0);
        static volatile CountDownLatch entered = new CountDownLatch(1);

        @Bean
        @Primary
        ImageGenerator gatedGenerator(ServingModels models) {
            ImageGenerator real = new ServedModelGenerator(models, 2, 4);
            return (alias, steps, prompts, seeds) -> {
                if (prompts.contains(BLOCKING_PROMPT)) {
                    entered.countDown();
                    try {
                        open.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return real.generate(alias, steps, prompts, seeds);
            };
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    BlobStore blobs;
    @Autowired
    PlatformProperties platform;
    @Autowired
    ServingModels models;
    @Autowired
    DynamicBatcher batcher;
    @Autowired
    dev.ladd.inference.serving.ModelSwapper swapper;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpRequest post(String json) {
        return TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/images")))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    HttpResponse<String> send(String json) throws Exception {
        return http.send(post(json), HttpResponse.BodyHandlers.ofString());
    }

    static String body(String alias, String prompt, int n, int steps, Long seed, int size) {
        return "{\"alias\":\"" + alias + "\",\"prompt\":\"" + prompt + "\",\"n\":" + n + ",\"steps\":" + steps
                + (seed == null ? "" : ",\"seed\":" + seed) + ",\"size\":" + size + "}";
    }

    /** Serves a fresh tiny model under a fresh alias and waits until it is live. */
    String servedAlias(long seed) throws Exception {
        String alias = "alias-" + UUID.randomUUID().toString().substring(0, 8);
        TinyServingModels.Servable model = TinyServingModels.store(blobs, "ckpt-" + alias, seed);
        kafka.send(Topics.SERVING_DESIRED, alias, model.desired(alias, 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> models.current(alias).isPresent());
        return alias;
    }

    List<EventEnvelope> statusEvents(String alias, int atLeast) {
        List<EventEnvelope> events = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            events.clear();
            kafka.readEvents(Topics.SERVING_STATUS, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                    .filter(e -> e.getCorrelationId().equals(alias)).forEach(events::add);
            return events.size() >= atLeast;
        });
        return events;
    }

    static byte[] png(JsonNode image) {
        return Base64.getDecoder().decode(image.get("pngBase64").asString());
    }

    @Test
    void theSamePromptStepsAndSeedGiveTheSamePngBytesAndAnotherSeedAnotherImage() throws Exception {
        String alias = servedAlias(11);

        JsonNode first = JSON.readTree(send(body(alias, "a photo of a sneaker", 3, 2, 123L, 64)).body());
        JsonNode again = JSON.readTree(send(body(alias, "a photo of a sneaker", 1, 2, 124L, 64)).body());
        JsonNode other = JSON.readTree(send(body(alias, "a photo of a sneaker", 1, 2, 999L, 64)).body());

        assertThat(first.get("checkpointId").asString()).isEqualTo("ckpt-" + alias);
        assertThat(first.get("revision").asLong()).isEqualTo(1);
        assertThat(first.get("steps").asInt()).isEqualTo(2);
        assertThat(first.get("images")).hasSize(3);
        assertThat(first.get("images").get(1).get("seed").asLong()).isEqualTo(124);
        // image 1 of a request with seed 123 is the image of seed 124, made in another batch of another size
        assertThat(png(again.get("images").get(0))).isEqualTo(png(first.get("images").get(1)));
        assertThat(png(other.get("images").get(0))).isNotEqualTo(png(first.get("images").get(1)));
        assertThat(png(first.get("images").get(0))).isNotEqualTo(png(first.get("images").get(1)));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png(first.get("images").get(0))));
        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(64);
        assertThat(first.get("queueMs").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(first.get("generateMs").asDouble()).isGreaterThan(0);

        JsonNode random = JSON.readTree(send("{\"alias\":\"" + alias + "\",\"prompt\":\"a bag\"}").body());
        long seed = random.get("images").get(0).get("seed").asLong();
        JsonNode replay = JSON.readTree(send(body(alias, "a bag", 1, 4, seed, 32)).body());
        assertThat(random.get("steps").asInt()).isEqualTo(4);
        assertThat(png(replay.get("images").get(0))).isEqualTo(png(random.get("images").get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"prompt\":\"a bag\",\"n\":1000}",
            "{\"prompt\":\"a bag\",\"n\":0}",
            "{\"prompt\":\"a bag\",\"n\":\"two\"}",
            "{\"prompt\":\"a bag\",\"n\":1.5}",
            "{\"prompt\":\"a bag\",\"steps\":9}",
            "{\"prompt\":\"a bag\",\"size\":33}",
            "{\"prompt\":\"a bag\",\"size\":2048}",
            "{\"prompt\":\"a bag\",\"seed\":-1}",
            "{\"prompt\":\"a bag\",\"seed\":\"x\"}",
            "{\"prompt\":\"\"}",
            "{\"prompt\":\"   \"}",
            "{\"n\":1}",
            "{\"prompt\":\"a bag\",\"alias\":\"no/such\"}",
            "{\"prompt\":\"a bag\",\"colour\":\"red\"}",
            "{\"prompt\":\"a bag\"",
            "[1,2]",
            "not json"})
    void aBadRequestIsA400ProblemNamingTheCause(String json) throws Exception {
        HttpResponse<String> response = send(json);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception");
    }

    @Test
    void aTooLongPromptAndAMisfitSizeNameTheirField() throws Exception {
        HttpResponse<String> tooLong = send("{\"prompt\":\"" + "a".repeat(1001) + "\"}");
        HttpResponse<String> size = send("{\"prompt\":\"a bag\",\"size\":33}");

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).get("errors").get(0).get("field").asString()).isEqualTo("prompt");
        assertThat(size.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(size.body()).get("errors").get(0).get("field").asString()).isEqualTo("size");
        assertThat(JSON.readTree(size.body()).get("errors").get(0).get("message").asString()).contains("multiple of 32");
    }

    @Test
    void anAliasWithoutAModelIsA503ProblemWithRetryAfter() throws Exception {
        HttpResponse<String> response = send(body("nothing-here", "a bag", 1, 1, 1L, 32));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("nothing-here");
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAtOnceAndTheQueuedRequestsComplete() throws Exception {
        String alias = servedAlias(21);
        Gate.open = new CountDownLatch(1);
        Gate.entered = new CountDownLatch(1);
        try {
            CompletableFuture<HttpResponse<String>> blocked = http.sendAsync(post(body(alias, BLOCKING_PROMPT, 1, 1, 1L, 32)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Gate.entered.await(30, TimeUnit.SECONDS)).isTrue();   // the worker is stuck in its batch
            List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                queued.add(http.sendAsync(post(body(alias, "a bag", 1, 2, 10L + i, 32)), HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> batcher.queueDepth() == 8);

            long start = System.nanoTime();
            HttpResponse<String> refused = send(body(alias, "a bag", 1, 2, 99L, 32));
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("queue is full");
            assertThat(ms).as("refused at once, not after a timeout").isLessThan(5_000);
            Gate.open.countDown();
            assertThat(blocked.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            for (CompletableFuture<HttpResponse<String>> q : queued) {
                assertThat(q.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            Gate.open.countDown();
        }
    }

    @Test
    void aliasesArePromotedThreeTimesUnderLoadWithoutAFailedRequestAndACorruptCheckpointIsNeverServed() throws Exception {
        String alias = "swap-" + UUID.randomUUID().toString().substring(0, 8);
        TinyServingModels.Servable a = TinyServingModels.store(blobs, "ckpt-a", 31);
        TinyServingModels.Servable b = TinyServingModels.store(blobs, "ckpt-b", 33);
        TinyServingModels.Servable corrupt = TinyServingModels.store(blobs, "ckpt-corrupt", 35);
        TinyServingModels.corrupt(platform.blobStore().root(), corrupt.weights());
        kafka.send(Topics.SERVING_DESIRED, alias, a.desired(alias, 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> models.current(alias).isPresent());

        record Answer(int status, String checkpointId, String body) {
        }
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        HttpResponse<String> r = send(body(alias, "a photo of a bag", 1 + i % 2, 1 + client % 2,
                                (long) client * 1000 + i, 32));
                        String checkpoint = r.statusCode() == 200 ? JSON.readTree(r.body()).get("checkpointId").asString() : null;
                        answers.add(new Answer(r.statusCode(), checkpoint, r.body()));
                    } catch (Exception e) {
                        answers.add(new Answer(-1, null, e.toString()));
                    }
                }
                return null;
            });
        }
        try {
            await().until(() -> answers.size() >= 16);
            ServedModel first = models.current(alias).orElseThrow();

            kafka.send(Topics.SERVING_DESIRED, alias, b.desired(alias, 2));                // 1: a good one
            await().atMost(Duration.ofSeconds(60)).until(() -> models.current(alias).get().revision() == 2);
            await().atMost(Duration.ofSeconds(30)).until(first::isClosed);                 // drained, then freed
            int atB = answers.size();
            await().until(() -> answers.size() >= atB + 16);

            kafka.send(Topics.SERVING_DESIRED, alias, corrupt.desired(alias, 3));          // 2: corrupt blob
            List<EventEnvelope> events = statusEvents(alias, 3);
            int afterFailure = answers.size();
            await().until(() -> answers.size() >= afterFailure + 16);                       // still serving b meanwhile
            assertThat(models.current(alias).get().checkpointId()).isEqualTo("ckpt-b");
            int beforeA = answers.size();
            assertThat(answers.stream().skip(atB + 8L).limit(beforeA - atB - 8L))
                    .as("after the switch to b and through the failed swap, b answers")
                    .isNotEmpty().allSatisfy(answer -> assertThat(answer.checkpointId()).isEqualTo("ckpt-b"));

            kafka.send(Topics.SERVING_DESIRED, alias, a.desired(alias, 4));                // 3: back to a
            await().atMost(Duration.ofSeconds(60)).until(() -> models.current(alias).get().revision() == 4);
            int atA = answers.size();
            await().until(() -> answers.size() >= atA + 16);
        } finally {
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(200));
        assertThat(answers).extracting(Answer::checkpointId).containsOnly("ckpt-a", "ckpt-b").contains("ckpt-a", "ckpt-b");
        List<String> order = answers.stream().map(Answer::checkpointId).toList();
        assertThat(order.indexOf("ckpt-b")).isPositive();

        List<EventEnvelope> events = statusEvents(alias, 4);
        assertThat(events).extracting(EventEnvelope::getType)
                .containsExactly("ModelServing", "ModelServing", "ModelSwapFailed", "ModelServing");
        assertThat(events).filteredOn(e -> e.getType().equals("ModelServing"))
                .extracting(e -> e.getModelServing().getCheckpointId() + "@" + e.getModelServing().getRevision())
                .containsExactly("ckpt-a@1", "ckpt-b@2", "ckpt-a@4");
        assertThat(events).allSatisfy(e -> assertThat(e.getProducer()).isEqualTo("inference-service"));
        assertThat(events.get(0).getModelServing().getReplica()).isEqualTo("replica-under-test");
        var failed = events.get(2).getModelSwapFailed();
        assertThat(failed.getCheckpointId()).isEqualTo("ckpt-corrupt");
        assertThat(failed.getRevision()).isEqualTo(3);
        assertThat(failed.getReplica()).isEqualTo("replica-under-test");
        assertThat(failed.getStillServingCheckpointId()).isEqualTo("ckpt-b");
        assertThat(failed.getReason()).contains("student weights").contains(corrupt.weights().sha256());

        HttpResponse<String> serving = http.send(TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/serving/" + alias))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode view = JSON.readTree(serving.body());
        assertThat(view.get("serving").get("checkpointId").asString()).isEqualTo("ckpt-a");
        assertThat(view.get("serving").get("revision").asLong()).isEqualTo(4);
        assertThat(view.get("desired").get("revision").asLong()).isEqualTo(4);

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("ladd_inference_queue_depth", "ladd_inference_batch_size_images_bucket",
                "ladd_inference_queue_wait_seconds_bucket", "ladd_inference_generation_seconds_bucket",
                "ladd_inference_request_seconds_bucket");
        assertThat(metrics.lines().filter(l -> l.startsWith("ladd_inference_swaps_total") && l.contains("alias=\"" + alias + "\"")))
                .anySatisfy(l -> assertThat(l).contains("outcome=\"failure\"").endsWith(" 1.0"))
                .anySatisfy(l -> assertThat(l).contains("outcome=\"success\"").endsWith(" 3.0"));
        assertThat(metrics.lines().filter(l -> l.startsWith("ladd_inference_model_revision") && l.contains("alias=\"" + alias + "\"")))
                .singleElement().satisfies(l -> assertThat(l).contains("checkpoint=\"ckpt-a\"").endsWith(" 4.0"));
    }

    /**
     * A blob that cannot be read for a while (a shared volume's hiccup) fails the swap for a passing reason: the
     * replica says so once and retries with back-off until the blob is back, without a new ServingDesired.
     */
    @Test
    void aSwapThatFailedForAPassingReasonIsRetriedUntilItSucceeds() throws Exception {
        String alias = "retry-" + UUID.randomUUID().toString().substring(0, 8);
        TinyServingModels.Servable model = TinyServingModels.store(blobs, "ckpt-" + alias, 41);
        java.nio.file.Path weights = TinyServingModels.file(platform.blobStore().root(), model.weights());
        java.nio.file.Path away = weights.resolveSibling(weights.getFileName() + ".away");
        java.nio.file.Files.move(weights, away);

        kafka.send(Topics.SERVING_DESIRED, alias, model.desired(alias, 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> swapper.lastFailure(alias).filter(f -> f.attempts() >= 3).isPresent());
        assertThat(swapper.lastFailure(alias).orElseThrow())
                .satisfies(f -> assertThat(f.reason()).contains("student weights").contains("could not be read"))
                .satisfies(f -> assertThat(f.retryAt()).as("tried again").isNotNull());
        assertThat(models.current(alias)).isEmpty();

        java.nio.file.Files.move(away, weights);
        await().atMost(Duration.ofSeconds(60)).until(() -> models.current(alias).isPresent());
        assertThat(swapper.lastFailure(alias)).as("cleared once served").isEmpty();

        List<EventEnvelope> events = statusEvents(alias, 2);
        assertThat(events).extracting(EventEnvelope::getType).as("one failure said once, then the model served")
                .containsExactly("ModelSwapFailed", "ModelServing");
    }

    @Test
    void readinessIncludesTheNumericalBackendSelfCheck() throws Exception {
        HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode backend = JSON.readTree(readiness.body()).get("components").get("numericalBackend");
        assertThat(backend.get("status").asString()).isEqualTo("UP");
        // libtorch's default kernels, as the services run (docs/adr/013)
        assertThat(backend.get("details").get("ONEDNN_MAX_CPU_ISA").asString()).isEqualTo("(unset)");
        assertThat(backend.get("details").get("summary").asString()).contains("match the reference");
    }
}
