package dev.ladd.gateway.web;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As compose and the chart run it ({@code MANAGEMENT_SERVER_PORT}): the actuator on a port of its own, scrapeable
 * without a key (the deployments let only the metrics scraper reach it), and on the public port only the probes.
 */
@ServiceIntegrationTest
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortTest extends GatewayTestBase {

    @LocalManagementPort
    int managementPort;

    private HttpResponse<String> management(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndDetailsAreOnTheManagementPortAndThePublicPortHasOnlyTheProbes() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        HttpResponse<String> metrics = management("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(management("/actuator/health").body()).contains("\"components\"");
        assertThat(management("/actuator/health/readiness").statusCode()).isEqualTo(200);

        assertThat(call("GET", "/readyz", null, null).body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(call("GET", "/livez", null, null).statusCode()).isEqualTo(200);
        assertProblem(call("GET", "/actuator/prometheus", null, null), 401);
        assertThat(call("GET", "/actuator/prometheus", ADMIN_KEY, null).statusCode())
                .as("not served on the public port at all").isEqualTo(404);
    }
}
