package dev.ladd.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
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
            adminKey = GatewayAdminKey.get(options);
            String serviceToken = ServiceTokenFile.get(options);
            assertThat(platform.summary()).doesNotContain(adminKey).contains(GatewayAdminKey.file(options).toString());
            assertNoSecretOnACommandLineOrInALog(options, pids, adminKey, serviceToken);
            assertOnlyTheGatewayAnswersOtherMachinesAndTheOthersOnlyTheGateway(options, serviceToken);

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
            assertThat(awaitBody(gateway + "/api/v1/trainer/runs/" + demoRunId, body -> body.contains("waiting-for-data")
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
            assertThat(awaitBody(gateway + "/api/v1/trainer/runs/" + runId, body -> body.contains("\"state\":\"failed\"")))
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

    /** {@code ps} shows every user each process's command line; the logs are kept: neither may hold a secret. */
    private static void assertNoSecretOnACommandLineOrInALog(LocalPlatformOptions options, List<Long> pids,
                                                             String adminKey, String serviceToken) throws Exception {
        for (long pid : pids) {
            String commandLine = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
            assertThat(commandLine).as("command line of " + pid).doesNotContain(adminKey).doesNotContain(serviceToken);
        }
        try (var logs = Files.list(options.logDir())) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain(adminKey).doesNotContain(serviceToken);
            }
        }
    }

    /**
     * The internal services listen on loopback only and, even there, answer only requests with the service token;
     * the gateway listens on every interface.
     */
    private void assertOnlyTheGatewayAnswersOtherMachinesAndTheOthersOnlyTheGateway(LocalPlatformOptions options,
                                                                                     String serviceToken) throws Exception {
        for (String[] api : new String[][]{{"teacher-service", "/api/v1/teachers"}, {"trainer-service", "/api/v1/runs"},
                {"eval-service", "/api/v1/scoring"}, {"inference-service", "/api/v1/serving"}}) {
            HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(service(options, api[0]).baseUrl()
                    + api[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).as(api[0] + ": " + noToken.body()).isEqualTo(401);
        }
        ServiceSpec trainer = service(options, "trainer-service");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(trainer.baseUrl() + "/api/v1/runs"))
                .header(ServiceTokenFile.HEADER, serviceToken).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (Exception e) { return false; } })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        if (external.isEmpty()) {
            System.out.println("not checked which addresses the services listen on: this machine has no non-loopback"
                    + " IPv4 address to connect from");
            return;
        }
        for (ServiceSpec service : options.services()) {
            boolean accepts;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), service.port()), 2000);
                accepts = true;
            } catch (java.io.IOException e) {
                accepts = false;
            }
            assertThat(accepts).as(service.name() + " on " + external.get().getHostAddress())
                    .isEqualTo(service.name().equals("gateway-service"));
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
