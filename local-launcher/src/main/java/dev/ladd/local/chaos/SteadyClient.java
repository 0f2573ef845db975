package dev.ladd.local.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client that asks the gateway for one image at a fixed rate, as a user would, and logs every result: when it was
 * sent, how it ended (HTTP status, or -1 when no answer came), which checkpoint answered, how long it took. Requests
 * are sent on their schedule whether the last one answered or not (an outage does not slow the rate down).
 */
public final class SteadyClient implements AutoCloseable {

    /** One request's fate. {@code status} -1: no HTTP answer (connection refused, reset, timed out). */
    public record Result(Instant sent, Instant done, int status, String checkpointId, String error) {
        public boolean ok() {
            return status == 200;
        }
    }

    private static final String BODY = "{\"prompt\":\"a photo of an ankle boot\",\"n\":1,\"size\":\"32x32\",\"seed\":7}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final String key;
    private final List<Result> results = new ArrayList<>();
    private final PrintWriter log;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4, r -> {
        Thread thread = new Thread(r, "chaos-steady-client");
        thread.setDaemon(true);
        return thread;
    });

    public SteadyClient(String gatewayBaseUrl, String apiKey, double perSecond, Path logFile) throws IOException {
        this.endpoint = URI.create(gatewayBaseUrl + "/v1/images/generations");
        this.key = apiKey;
        Files.createDirectories(logFile.getParent());
        this.log = new PrintWriter(Files.newBufferedWriter(logFile), true);
        log.println("# sent\tms\tstatus\tcheckpoint\terror");
        long periodMicros = Math.round(1_000_000 / perSecond);
        timer.scheduleAtFixedRate(this::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void sendOne() {
        Instant sent = Instant.now();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            Result result = failure != null
                    ? new Result(sent, Instant.now(), -1, null, failure.getClass().getSimpleName())
                    : new Result(sent, Instant.now(), response.statusCode(),
                    response.headers().firstValue("X-Ladd-Checkpoint-Id").orElse(null),
                    response.statusCode() == 200 ? null : abbreviate(response.body()));
            record(result);
        });
    }

    private synchronized void record(Result result) {
        results.add(result);
        log.printf("%s\t%d\t%d\t%s\t%s%n", result.sent(), Duration.between(result.sent(), result.done()).toMillis(),
                result.status(), result.checkpointId(), result.error() == null ? "" : result.error());
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ");
        return text.length() > 160 ? text.substring(0, 160) + "…" : text;
    }

    /** The results of the requests sent from {@code from} (inclusive) to {@code to} (exclusive) that have ended. */
    public synchronized List<Result> between(Instant from, Instant to) {
        return results.stream().filter(r -> !r.sent().isBefore(from) && r.sent().isBefore(to)).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(1000);   // let the last answers in
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            log.close();
        }
    }
}
