package dev.ladd.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole one-box platform — real PostgreSQL, a real Kafka broker and the five services as separate
 * JVMs with small heaps — starts, becomes healthy, carries one run request through three services and
 * four topics, and stops without leaving a process behind.
 *
 * <p>The run names a teacher that does not exist, so the path is: gateway publishes RunRequested →
 * trainer creates the run and publishes SyntheticDataRequested → teacher rejects it
 * (SyntheticDataRejected) → trainer fails the run and publishes RunFinished → gateway shows the run as
 * failed with teacher-service's reason. Before that: as soon as the platform is up, alias {@code default} answers the
 * README's first image request with the committed default student, promoted by {@code system:default-student} in the
 * audit trail, and the demo LADD run has started by itself.
 */
class LocalPlatformEndToEndTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The launcher's gateway admin key: the gateway answers 401 without a key. */
    private String adminKey = "";

    @Test
    @Timeout(420)
    void theWholePlatformCarriesAnEventThroughAndStopsCleanly(@TempDir Path workDir) throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.allServices(workDir);
        List<Long> pids;
        try (LocalPlatform platform = LocalPlatformTestSupport.startAllServices(workDir, options)) {
            pids = platform.pids();
            assertThat(pids).hasSize(7);   // PostgreSQL, Kafka, five services
            String gateway = service(options, "gateway-service").baseUrl();
            String trainer = service(options, "trainer-service").baseUrl();
            adminKey = GatewayAdminKey.get(options);
            assertThat(platform.summary()).contains(adminKey);

            // up means alias 'default' serves (the committed default student): the README's first request, at once
            assertThat(platform.defaultAlias()).startsWith("serves images");
            assertThat(platform.summary()).contains("Alias 'default'", "/v1/images/generations");
            HttpResponse<String> image = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/images/generations"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminKey)
                    .POST(HttpRequest.BodyPublishers.ofString(DefaultAlias.REQUEST)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(image.statusCode()).as(image.body()).isEqualTo(200);
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(field(image.body(), "b64_json"))));
            assertThat(png.getWidth()).isEqualTo(32);
            assertThat(awaitBody(gateway + "/api/v1/serving/default/history", body -> body.contains("\"actor\""))).contains(
                    "\"actor\":\"system:default-student\"", "\"toCheckpointId\":\"default-student-");

            // the demo run started by itself through the gateway, for the default teacher committed under models/
            assertThat(platform.demoRun()).startsWith("run-");
            String demoRunId = platform.demoRun().split(" ")[0];
            assertThat(awaitBody(gateway + "/api/v1/runs/" + demoRunId, body -> body.contains("\"teacherId\":\"default\"")))
                    .contains(demoRunId);
            assertThat(awaitBody(trainer + "/api/v1/runs/" + demoRunId, body -> body.contains("waiting-for-data")
                    || body.contains("\"training\""))).contains(demoRunId);

            assertThat(http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/runs")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("the gateway without a key").isEqualTo(401);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/runs"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminKey)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"teacherId\":\"no-such-teacher\",\"iterations\":5}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(202);
            String runId = field(created.body(), "runId");

            String run = awaitBody(gateway + "/api/v1/runs/" + runId, body -> body.contains("\"state\":\"failed\""));
            assertThat(run).contains("unknown teacher 'no-such-teacher'");
            assertThat(awaitBody(trainer + "/api/v1/runs/" + runId, body -> body.contains("\"state\":\"failed\"")))
                    .contains(runId);
        }

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process " + pid).isEmpty();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList())
                .as("processes left by the launcher").isEmpty();
        assertThat(Ports.isFree(options.postgresPort())).isTrue();
        assertThat(Ports.isFree(options.kafkaPort())).isTrue();
        for (ServiceSpec service : options.services()) {
            assertThat(Ports.isFree(service.port())).as(service.name() + " port").isTrue();
        }
    }

    private static ServiceSpec service(LocalPlatformOptions options, String name) {
        return options.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private String awaitBody(String url, java.util.function.Predicate<String> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        String body = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + adminKey).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = response.body();
            if (response.statusCode() == 200 && done.test(body)) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no matching answer from " + url + " within 120 s; last: " + body);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }
}
