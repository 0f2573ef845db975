package dev.ladd.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-box demo: once the platform is up, a LADD run of the default teacher with the demo profile
 * ({@code demo-run.json}, chosen by measurement: docs/adr/007-ladd-training.md) is started through the
 * gateway with the launcher's admin key ({@link GatewayAdminKey}), like any client would; not when a run exists
 * already, so a restart does not start another.
 */
final class DemoRun {

    private static final Pattern RUN_ID = Pattern.compile("\"runId\"\\s*:\\s*\"([^\"]+)\"");

    private DemoRun() {
    }

    /** @return a line saying which run is the demo run, or why there is none */
    static String startIfNone(LocalPlatformOptions options, PrintStream out) {
        ServiceSpec gateway = options.services().stream().filter(s -> s.name().equals("gateway-service")).findFirst()
                .orElse(null);
        boolean trains = options.services().stream().anyMatch(s -> s.name().equals("trainer-service"))
                && options.services().stream().anyMatch(s -> s.name().equals("teacher-service"));
        if (gateway == null || !trains) {
            return null;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Bearer " + GatewayAdminKey.get(options);
        try {
            HttpResponse<String> existing = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/runs"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher any = RUN_ID.matcher(existing.body());
            if (existing.statusCode() == 200 && any.find()) {
                return "not started: runs exist already (e.g. " + any.group(1) + ")";
            }
            String profile = profile();
            HttpResponse<String> started = start(http, gateway, auth, profile);
            String note = "";
            if (started.statusCode() == 400 && started.body().contains(NO_REAL_DATA)) {
                // the profile's heads judge against real Fashion-MNIST latents, and this machine has none: train the rest
                // of the profile against the teacher's samples (the paper's way) rather than not at all
                started = start(http, gateway, auth, synthetic(profile));
                note = ", with the teacher's samples as the heads' real class: this machine has no Fashion-MNIST ("
                        + "apt-get install dataset-fashion-mnist for the profile's real images)";
            }
            Matcher id = RUN_ID.matcher(started.body());
            if (started.statusCode() / 100 != 2 || !id.find()) {
                return "could not be started: HTTP " + started.statusCode() + " " + started.body();
            }
            out.printf("Demo run     %s started (teacher 'default', profile demo-run.json%s)%n", id.group(1), note);
            return id.group(1) + "   " + gateway.baseUrl() + "/api/v1/runs/" + id.group(1);
        } catch (IOException e) {
            return "could not be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not started: interrupted";
        }
    }

    /** What the trainer's 400 says when a run asks for real images it does not have (RunService.missingRealData). */
    static final String NO_REAL_DATA = "discriminatorData 'real' needs Fashion-MNIST";
    private static final Pattern REAL_DATA = Pattern.compile("\"discriminatorData\"\\s*:\\s*\"real\"");

    private static HttpResponse<String> start(HttpClient http, ServiceSpec gateway, String auth, String profile)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/runs"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofString(profile)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The profile with the teacher's samples instead of real images as the heads' real class. */
    static String synthetic(String profile) {
        return REAL_DATA.matcher(profile).replaceAll("\"discriminatorData\": \"synthetic\"");
    }

    static String profile() throws IOException {
        try (InputStream in = DemoRun.class.getResourceAsStream("/demo-run.json")) {
            if (in == null) {
                throw new IOException("demo-run.json is missing from the launcher jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
