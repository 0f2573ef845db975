package dev.ladd.tools.gateway;

import dev.ladd.platform.cli.CommandLineOptions;
import dev.ladd.platform.security.ServiceToken;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench-latency}: the gateway's added latency. Sends the same one-image request alternately to
 * inference-service directly ({@code POST /api/v1/images}) and through the gateway
 * ({@code POST /v1/images/generations}), one at a time, and prints p50 / p99 of both and their difference.
 *
 * <pre>LADD_API_KEY=... LADD_SERVICE_TOKEN=... java -jar ladd-tools.jar bench-latency --inference=http://localhost:8084
 *     --gateway=http://localhost:8080 [--requests=500] [--warmup=20] [--alias=default] [--steps=4] [--prompt="..."]</pre>
 *
 * The API key (for the gateway) and the service token (for inference-service directly) come from the environment,
 * never from the command line, where {@code ps} would show them to every user of the machine.
 */
public final class LatencyBench {

    public static final Set<String> COMMANDS = Set.of("bench-latency");

    private LatencyBench() {
    }

    public static int run(String[] args) {
        return CommandLineOptions.dispatch(args, Map.of("bench-latency",
                options -> bench(options, System.getenv(), System.out)));
    }

    public static void bench(CommandLineOptions options, Map<String, String> environment, PrintStream out) throws IOException {
        if (options.has("key")) {
            throw new IllegalArgumentException("--key is gone: a key on the command line is visible to every user (ps);"
                    + " give it as the environment variable LADD_API_KEY");
        }
        URI inference = URI.create(options.text("inference", "http://localhost:8084").replaceAll("/+$", "") + "/api/v1/images");
        URI gateway = URI.create(options.text("gateway", "http://localhost:8080").replaceAll("/+$", "")
                + "/v1/images/generations");
        String key = fromEnvironment(environment, "LADD_API_KEY", "an API key for the gateway");
        String serviceToken = fromEnvironment(environment, ServiceToken.ENVIRONMENT_VARIABLE,
                "the platform's service token, without which inference-service answers 401 (./ladd-local: .work/service-token)");
        int requests = (int) options.number("requests", 500);
        int warmup = (int) options.number("warmup", 20);
        int steps = (int) options.number("steps", 4);
        String alias = options.text("alias", "default");
        String prompt = options.text("prompt", "a photo of a sneaker").replace("\"", "'");
        if (requests < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("--requests must be >= 1, --warmup >= 0, --steps >= 1");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long[] direct = new long[requests];
        long[] via = new long[requests];
        for (int i = -warmup; i < requests; i++) {
            long seed = 1000L + Math.floorMod(i, 1000);
            String directBody = "{\"alias\":\"" + alias + "\",\"prompt\":\"" + prompt + "\",\"n\":1,\"steps\":" + steps
                    + ",\"seed\":" + seed + ",\"size\":32}";
            String gatewayBody = "{\"model\":\"" + alias + "\",\"prompt\":\"" + prompt + "\",\"n\":1,\"steps\":" + steps
                    + ",\"seed\":" + seed + ",\"size\":\"32x32\",\"response_format\":\"b64_json\"}";
            long d = time(http, HttpRequest.newBuilder(inference).header(ServiceToken.HEADER, serviceToken), directBody);
            long g = time(http, HttpRequest.newBuilder(gateway).header("Authorization", "Bearer " + key), gatewayBody);
            if (i >= 0) {
                direct[i] = d;
                via[i] = g;
            }
        }
        Arrays.sort(direct);
        Arrays.sort(via);
        out.printf("requests %d (after %d warm-up), one at a time, alternating; alias %s, %d steps, 32x32%n",
                requests, warmup, alias, steps);
        out.printf("%-22s %10s %10s%n", "", "p50 ms", "p99 ms");
        out.printf("%-22s %10.2f %10.2f%n", "inference directly", ms(direct, 0.50), ms(direct, 0.99));
        out.printf("%-22s %10.2f %10.2f%n", "through the gateway", ms(via, 0.50), ms(via, 0.99));
        out.printf("%-22s %10.2f %10.2f%n", "added by the gateway", ms(via, 0.50) - ms(direct, 0.50),
                ms(via, 0.99) - ms(direct, 0.99));
    }

    private static String fromEnvironment(Map<String, String> environment, String variable, String what) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("set the environment variable " + variable + ": " + what);
        }
        return value.strip();
    }

    private static long time(HttpClient http, HttpRequest.Builder request, String body) throws IOException {
        HttpRequest r = request.timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IOException(r.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return took;
    }

    /** Nearest-rank percentile of sorted nanoseconds, in ms. */
    public static double ms(long[] sorted, double q) {
        int index = Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1));
        return sorted[index] / 1e6;
    }
}
