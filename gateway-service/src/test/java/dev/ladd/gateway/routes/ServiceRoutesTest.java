package dev.ladd.gateway.routes;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The trainer route (/api/v1/trainer/**) against a stand-in trainer-service. */
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
                .contains("\"query\":\"after=5\"").contains("\"caller\":\"viewer-");

        assertProblem(call("POST", "/api/v1/trainer/runs/run-7/cancel", viewer, "{}"), 403);
        HttpResponse<String> write = call("POST", "/api/v1/eval/checkpoints/run-7%2Fstep-10/x", staff, "{\"a\":1}");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        assertThat(write.body()).contains("\"method\":\"POST\"").contains("\"path\":\"/api/v1/checkpoints/run-7%2Fstep-10/x\"")
                .contains("\"body\":\"{\\\"a\\\":1}\"");

        HttpResponse<String> missing = call("GET", "/api/v1/teacher/missing", viewer, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no such thing");
        assertProblem(call("GET", "/api/v1/trainer/runs", null, null), 401);
    }
}
