package dev.ladd.gateway.routes;

import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service routes (/api/v1/trainer/** and the others) against a stand-in service that, like the real ones, answers
 * only requests carrying the service token.
 */
@ServiceIntegrationTest
class ServiceRoutesTest extends GatewayTestBase {

    @Test
    void readsNeedAViewerKeyWritesMlStaffAndPathQueryAndBodyArriveAsSent() throws Exception {
        String viewer = createKey("viewer", 1000);
        String staff = createKey("ml-staff", 1000);

        HttpResponse<String> read = call("GET", "/api/v1/trainer/runs/run-7/metrics?after=5", viewer, null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(read.body()).contains("\"method\":\"GET\"").contains("\"path\":\"/api/v1/runs/run-7/metrics\"")
                .contains("\"query\":\"after=5\"").contains("\"caller\":\"viewer-").contains("\"role\":\"viewer\"");

        assertProblem(call("POST", "/api/v1/trainer/runs/run-7/cancel", viewer, "{}"), 403);
        HttpResponse<String> write = call("POST", "/api/v1/eval/checkpoints/run-7-step-10/x", staff, "{\"a\":1}");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        assertThat(write.body()).contains("\"method\":\"POST\"").contains("\"path\":\"/api/v1/checkpoints/run-7-step-10/x\"")
                .contains("\"body\":\"{\\\"a\\\":1}\"");

        HttpResponse<String> missing = call("GET", "/api/v1/teacher/missing", viewer, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no such thing");
        assertProblem(call("GET", "/api/v1/trainer/runs", null, null), 401);
    }

    @Test
    void aServiceThatRefusesTheGatewaysTokenIsA502NotTheCallersFault() throws Exception {
        HttpResponse<String> refused = call("GET", "/api/v1/eval/wrong-token/x", ADMIN_KEY, null);
        assertProblem(refused, 502);
        assertThat(refused.body()).contains("eval-service refused the gateway");
    }

    @Test
    void requestBodiesAreCappedAndGetHeadAndDeleteTakeNone() throws Exception {
        String staff = createKey("ml-staff", 1000);
        int cap = 262_144;   // ladd.gateway.max-body-bytes
        HttpResponse<String> atCap = call("POST", "/api/v1/trainer/runs", staff, "\"" + "x".repeat(cap - 2) + "\"");
        assertThat(atCap.statusCode()).as("a body of exactly the cap").isEqualTo(200);

        HttpResponse<String> over = call("POST", "/api/v1/trainer/runs", staff, "\"" + "x".repeat(cap - 1) + "\"");
        assertProblem(over, 413);
        assertThat(over.body()).contains("the request body has " + (cap + 1) + " bytes").contains("at most " + cap);

        // chunked, without a Content-Length: refused after reading one byte more than the cap
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/teacher/training-jobs")))
                .header("Authorization", "Bearer " + staff).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3 * cap])))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(chunked, 413);
        assertThat(chunked.body()).contains("more than " + cap + " bytes");
        assertProblem(call("PUT", "/api/v1/serving/default/promote", staff, "x".repeat(cap + 1)), 413);

        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> withBody = call(method, "/api/v1/trainer/runs/run-1", staff, "{\"a\":1}");
            assertProblem(withBody, 400);
            assertThat(withBody.body()).contains("a " + method + " request takes no body");
        }
        assertProblem(call("DELETE", "/api/v1/keys/nobody", ADMIN_KEY, "{}"), 400);
        assertThat(call("GET", "/api/v1/trainer/runs/run-1", staff, null).statusCode()).isEqualTo(200);
    }

    /** PNG renders (sample grids) any viewer may ask for: one at a time here, one waiting, the rest a 503; cached. */
    @Test
    void rendersAreBoundedPerInstanceAndTheirAnswersCached() throws Exception {
        String viewer = createKey("viewer", 1000);
        int before = FakeInference.renders();
        CompletableFuture<HttpResponse<byte[]>> first = png(viewer, "/api/v1/teacher/teachers/t/slow-samples.png?seed=1");
        awaitGauge("ladd.gateway.renders.running", 1);
        CompletableFuture<HttpResponse<byte[]>> second = png(viewer, "/api/v1/eval/teachers/t/slow-grid.png?steps=50");
        awaitGauge("ladd.gateway.renders.waiting", 1);

        HttpResponse<String> third = call("GET", "/api/v1/eval/checkpoints/c/slow-grid.png?steps=4", viewer, null);
        assertProblem(third, 503);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(third.body()).contains("renders are at capacity (1 running, 1 waiting)");

        FakeInference.releaseSlowRenders(2);
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(first.get().headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(FakeInference.renders()).isEqualTo(before + 2);

        HttpResponse<byte[]> again = png(viewer, "/api/v1/teacher/teachers/t/slow-samples.png?seed=1").get(5, TimeUnit.SECONDS);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.get().body());
        assertThat(FakeInference.renders()).as("the same render again comes from the cache").isEqualTo(before + 2);
        assertThat(png(viewer, "/api/v1/teacher/teachers/t/samples.png?seed=2").get(5, TimeUnit.SECONDS).statusCode())
                .isEqualTo(200);
        assertThat(FakeInference.renders()).as("another query is another render").isEqualTo(before + 3);
    }

    private CompletableFuture<HttpResponse<byte[]>> png(String key, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void awaitGauge(String name, int value) {
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/actuator/metrics/" + name, ADMIN_KEY, null)
                .body().contains("\"value\":" + value + ".0"));
    }
}
