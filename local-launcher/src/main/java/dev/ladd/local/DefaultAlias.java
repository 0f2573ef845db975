package dev.ladd.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last step of start-up (docs/adr/014): once every service is ready, waits until the gateway answers an image on
 * alias {@value #ALIAS} — the README's first {@code curl} — which on a fresh platform is the committed default student
 * ({@code models/default-student}): the trainer imported it, the gateway served it, inference-service loaded it. Says
 * at each step what it waits for, and fails naming what is missing: the student refused by the trainer, never served
 * by the gateway, or refused by inference-service.
 */
final class DefaultAlias {

    static final String ALIAS = "default";
    /** The README's first request. */
    static final String REQUEST = "{\"prompt\":\"a photo of an ankle boot\",\"n\":1,\"size\":\"32x32\",\"seed\":7}";
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    private static final Pattern WEIGHTS_SHA = Pattern.compile("\"weightsSha256\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern DESIRED_REVISION = Pattern.compile("\"desired\"\\s*:\\s*\\{[^}]*\"revision\"\\s*:\\s*(\\d+)");
    private static final Pattern FAILED_REVISION = Pattern.compile("\"lastFailure\"\\s*:\\s*\\{[^}]*?\"revision\"\\s*:\\s*(\\d+)");

    private final LocalPlatformOptions options;
    private final List<ServiceProcess> services;
    private final BooleanSupplier aborted;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    DefaultAlias(LocalPlatformOptions options, List<ServiceProcess> services, BooleanSupplier aborted, PrintStream out) {
        this.options = options;
        this.services = services;
        this.aborted = aborted;
        this.out = out;
    }

    /** The committed default student's folder in the checkout. */
    static Path studentDir(LocalPlatformOptions options) {
        return options.repoDir().resolve("models").resolve("default-student");
    }

    /**
     * Why there is nothing to wait for (a service that takes part is not started, or the checkout has no default
     * student), or empty when {@link #awaitImage()} applies.
     */
    Optional<String> notWaitedFor() {
        List<String> missing = List.of("gateway-service", "trainer-service", "inference-service").stream()
                .filter(name -> service(name).isEmpty()).toList();
        if (!missing.isEmpty()) {
            return Optional.of("not waited for: " + String.join(", ", missing) + " not started");
        }
        if (!Files.isRegularFile(studentDir(options).resolve("student.json"))) {
            return Optional.of("not waited for: no default student in " + studentDir(options)
                    + "; alias '" + ALIAS + "' serves once a checkpoint is promoted");
        }
        return Optional.empty();
    }

    /** Polls the gateway until it answers an image on the alias; returns how long that took. */
    Duration awaitImage() {
        Instant begin = Instant.now();
        Instant deadline = begin.plus(options.serveTimeout());
        Instant nextReport = begin.plus(REPORT_EVERY);
        out.printf("Alias '%s'   waiting until it serves an image (the committed default student) ...%n", ALIAS);
        while (true) {
            if (aborted.getAsBoolean()) {
                throw new StartupException.Aborted();
            }
            if (answersImage()) {
                Duration took = Duration.between(begin, Instant.now());
                out.printf("Alias '%s'   serves images, %s after the services were ready%n", ALIAS, HealthWaiter.seconds(took));
                return took;
            }
            Instant now = Instant.now();
            if (now.isAfter(nextReport) || now.isAfter(deadline)) {
                Stage stage = stage();
                if (stage.fatal() || now.isAfter(deadline)) {
                    throw new StartupException("alias '" + ALIAS + "' does not serve an image"
                            + (stage.fatal() ? "" : " within " + options.serveTimeout().toSeconds()
                            + " s (raise --serve-timeout if the machine is just slow)") + ": " + stage.text());
                }
                out.printf("  waiting %s: %s%n", HealthWaiter.seconds(Duration.between(begin, now)), stage.text());
                nextReport = now.plus(REPORT_EVERY);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException.Aborted();
            }
        }
    }

    private boolean answersImage() {
        return send(gateway("/v1/images/generations")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(REQUEST)))
                .map(r -> r.statusCode() == 200 && r.body().contains("\"b64_json\"")).orElse(false);
    }

    /** Where the default student is on its way: trainer → gateway → inference; fatal where it will not go on. */
    record Stage(String text, boolean fatal) {
    }

    Stage stage() {
        String runId = runId();
        Optional<HttpResponse<String>> run = send(ServiceTokenFile.addTo(HttpRequest.newBuilder(URI.create(
                base("trainer-service") + "/api/v1/runs/" + runId)), options).GET());
        if (run.isPresent() && run.get().statusCode() == 404) {
            ServiceProcess trainer = service("trainer-service").orElseThrow();
            List<String> lines = trainer.process().logLinesContaining("default student");
            return new Stage("trainer-service did not import the default student from " + studentDir(options)
                    + " (no run " + runId + "); its log says:" + (lines.isEmpty() ? " nothing about it, see "
                    + trainer.process().logFile() : "\n  | " + String.join("\n  | ", lines)), true);
        }
        Optional<HttpResponse<String>> history = send(gateway("/api/v1/serving/" + ALIAS + "/history").GET());
        if (history.isEmpty() || history.get().statusCode() != 200 || history.get().body().strip().equals("[]")) {
            return new Stage("gateway-service has not served run " + runId + "'s checkpoint on alias '" + ALIAS
                    + "' yet (it does when it consumes the trainer's CheckpointPublished; see "
                    + service("gateway-service").orElseThrow().process().logFile() + ")", false);
        }
        Optional<HttpResponse<String>> serving = send(ServiceTokenFile.addTo(HttpRequest.newBuilder(URI.create(
                base("inference-service") + "/api/v1/serving/" + ALIAS)), options).GET());
        String body = serving.map(HttpResponse::body).orElse("");
        Matcher desired = DESIRED_REVISION.matcher(body);
        Matcher failed = FAILED_REVISION.matcher(body);
        if (desired.find() && failed.find() && desired.group(1).equals(failed.group(1))) {
            // a failed revision is not tried again (ADR 009): only another promotion helps
            return new Stage("inference-service could not load what alias '" + ALIAS + "' should serve (its"
                    + " lastFailure says why; see " + service("inference-service").orElseThrow().process().logFile()
                    + "): " + body, true);
        }
        return new Stage("inference-service is loading what alias '" + ALIAS + "' should serve (" + body + ")", false);
    }

    /** The trainer's run id of the committed student: {@code default-student-} + 12 hex digits of its weights' SHA-256. */
    String runId() {
        try {
            Matcher m = WEIGHTS_SHA.matcher(Files.readString(studentDir(options).resolve("student.json")));
            return m.find() ? "default-student-" + m.group(1).substring(0, 12) : "default-student-?";
        } catch (IOException e) {
            return "default-student-?";
        }
    }

    /** A request to the gateway with the launcher's admin key (the internal services get the service token instead). */
    private HttpRequest.Builder gateway(String path) {
        return HttpRequest.newBuilder(URI.create(base("gateway-service") + path))
                .header("Authorization", "Bearer " + GatewayAdminKey.get(options));
    }

    private Optional<HttpResponse<String>> send(HttpRequest.Builder request) {
        try {
            return Optional.of(http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException.Aborted();
        }
    }

    private Optional<ServiceProcess> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private String base(String name) {
        return service(name).orElseThrow().spec().baseUrl();
    }
}
