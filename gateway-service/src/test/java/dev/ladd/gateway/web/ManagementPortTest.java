package dev.ladd.gateway.web;

import dev.ladd.gateway.GatewayServiceApplication;
import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestPostgres;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As compose and the chart run it ({@code MANAGEMENT_SERVER_PORT}): the actuator on a port of its own, scrapeable
 * without a key (the deployments let only the metrics scraper reach it), and on the public port only the probes. A
 * second gateway, started here beside the shared test context (a second test context would start a second embedded
 * broker and repoint the shared context's tests at it), on its own database, consuming no events.
 */
@ServiceIntegrationTest
class ManagementPortTest extends GatewayTestBase {

    @Test
    void metricsAndDetailsAreOnTheManagementPortAndThePublicPortHasOnlyTheProbes() throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.datasource.url=" + TestPostgres.newDatabase(),
                "--spring.datasource.username=postgres",
                "--spring.cloud.stream.kafka.binder.brokers=" + brokers,
                "--spring.cloud.function.definition=",   // no consumers: the shared context's events stay its own
                "--ladd.blob-store.root=" + Files.createTempDirectory("blobs"),
                "--ladd.gateway.admin-key=" + ADMIN_KEY,
                "--ladd.service-auth.token=" + TestServiceToken.VALUE));
        args.addAll(servicesAt(FakeInference.baseUrl()));
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayServiceApplication.class)
                .run(args.toArray(String[]::new))) {
            int api = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            int management = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
            assertThat(management).isNotEqualTo(api);

            HttpResponse<String> metrics = get(management, "/actuator/prometheus", null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
            assertThat(get(management, "/actuator/health", null).body()).contains("\"components\"");
            assertThat(get(management, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);

            assertThat(get(api, "/readyz", null).body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(get(api, "/livez", null).statusCode()).isEqualTo(200);
            assertThat(get(api, "/actuator/prometheus", null).statusCode()).isEqualTo(401);
            assertThat(get(api, "/actuator/prometheus", ADMIN_KEY).statusCode())
                    .as("not served on the public port at all").isEqualTo(404);
        }
    }

    private HttpResponse<String> get(int port, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
