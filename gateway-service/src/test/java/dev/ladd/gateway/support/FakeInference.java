package dev.ladd.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import dev.ladd.platform.security.ServiceToken;
import dev.ladd.platform.test.TestServiceToken;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for inference-service (and the other proxied services) at the HTTP boundary, one per test JVM, on a
 * free loopback port. {@code POST /api/v1/images} answers as inference-service's internal API does: real PNGs of
 * the asked size, or, steered by the prompt, "busy" → 429 + Retry-After 7, "down" → 503, "boom" → 500.
 * {@code POST /api/v1/runs} with a JSON object answers as trainer-service does: 202 with a new run id, or, with
 * {@code "iterations":0} in the body, its 400 problem ({@link #INVALID_RUN}). Every
 * other path echoes the request as JSON (method, path, query, body, caller, role); a path containing "missing" → 404,
 * one ending in ".png" a PNG (counted; one containing "slow" waits for {@link #releaseSlowRenders}). Like the real
 * services it answers 401 to a request without this JVM's service token, and a path containing "wrong-token" acts as a
 * service with another token.
 */
public final class FakeInference {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static HttpServer server;
    private static final AtomicReference<String> LAST_IMAGES_REQUEST = new AtomicReference<>();
    private static final AtomicInteger IMAGES_REQUESTS = new AtomicInteger();
    private static final AtomicReference<String> LAST_RUN_REQUEST = new AtomicReference<>();
    private static final AtomicReference<String> LAST_RUN_CALLER = new AtomicReference<>();
    /** trainer-service's answer to a run request with {@code "iterations":0}, as it writes it. */
    public static final String INVALID_RUN = "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
            + "\"detail\":\"invalid field 'iterations': must be greater than or equal to 1\",\"instance\":\"/api/v1/runs\","
            + "\"errors\":[{\"field\":\"iterations\",\"message\":\"must be greater than or equal to 1\"}]}";
    private static final AtomicInteger RENDERS = new AtomicInteger();
    private static final java.util.concurrent.Semaphore SLOW_RENDERS = new java.util.concurrent.Semaphore(0);

    private FakeInference() {
    }

    public static synchronized String baseUrl() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                try {
                    handle(exchange);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.setExecutor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "fake-inference");
                t.setDaemon(true);
                return t;
            }));
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many {@code POST /api/v1/images} it received. */
    public static int imagesRequests() {
        return IMAGES_REQUESTS.get();
    }

    /** How many PNGs it rendered (paths ending in ".png"). */
    public static int renders() {
        return RENDERS.get();
    }

    /** Lets {@code n} waiting "slow" renders finish. */
    public static void releaseSlowRenders(int n) {
        SLOW_RENDERS.release(n);
    }

    /** The body of the last {@code POST /api/v1/runs} it received (as trainer-service), and its caller header. */
    public static String lastRunRequest() {
        return LAST_RUN_REQUEST.get();
    }

    public static String lastRunCaller() {
        return LAST_RUN_CALLER.get();
    }

    /** The body of the last {@code POST /api/v1/images} it received. */
    public static String lastImagesRequest() {
        return LAST_IMAGES_REQUEST.get();
    }

    public static byte[] png(int size, int gray) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = (gray + x * 3 + y * 5) & 0xff;
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void handle(HttpExchange exchange) throws IOException, InterruptedException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            if (!TestServiceToken.VALUE.equals(exchange.getRequestHeaders().getFirst(ServiceToken.HEADER))
                    || path.contains("wrong-token")) {
                send(exchange, 401, "application/problem+json", "{\"status\":401,\"detail\":\"no service token\"}");
                return;
            }
            if (path.endsWith(".png")) {
                if (path.contains("slow") && !SLOW_RENDERS.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    send(exchange, 500, "text/plain", "never released");
                    return;
                }
                RENDERS.incrementAndGet();
                byte[] png = png(32, 7);
                exchange.getResponseHeaders().set("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, png.length);
                exchange.getResponseBody().write(png);
                return;
            }
            if (path.equals("/api/v1/images") && exchange.getRequestMethod().equals("POST")) {
                LAST_IMAGES_REQUEST.set(body);
                IMAGES_REQUESTS.incrementAndGet();
                images(exchange, JSON.readTree(body));
                return;
            }
            if (path.equals("/api/v1/runs") && exchange.getRequestMethod().equals("POST") && body.startsWith("{")) {
                LAST_RUN_REQUEST.set(body);
                LAST_RUN_CALLER.set(exchange.getRequestHeaders().getFirst(ServiceToken.CALLER_HEADER));
                if (body.contains("\"iterations\":0")) {
                    send(exchange, 400, "application/problem+json", INVALID_RUN);
                    return;
                }
                String runId = "run-" + java.util.UUID.randomUUID();
                exchange.getResponseHeaders().set("Location", "/api/v1/runs/" + runId);
                send(exchange, 202, "application/json", JSON.writeValueAsString(JSON.createObjectNode().put("runId", runId)
                        .put("teacherId", JSON.readTree(body).path("teacherId").asString())));
                return;
            }
            if (path.contains("missing")) {
                send(exchange, 404, "application/problem+json", "{\"status\":404,\"detail\":\"no such thing\"}");
                return;
            }
            var echo = JSON.createObjectNode().put("method", exchange.getRequestMethod()).put("path", path)
                    .put("query", exchange.getRequestURI().getRawQuery()).put("body", body)
                    .put("caller", exchange.getRequestHeaders().getFirst(ServiceToken.CALLER_HEADER))
                    .put("role", exchange.getRequestHeaders().getFirst(ServiceToken.CALLER_ROLE_HEADER));
            send(exchange, 200, "application/json", JSON.writeValueAsString(echo));
        }
    }

    private static void images(HttpExchange exchange, JsonNode request) throws IOException {
        String prompt = request.path("prompt").asString();
        switch (prompt) {
            case "busy" -> {
                exchange.getResponseHeaders().set("Retry-After", "7");
                send(exchange, 429, "application/problem+json", "{\"status\":429,\"detail\":\"queue full\"}");
                return;
            }
            case "down" -> {
                send(exchange, 503, "application/problem+json", "{\"status\":503,\"detail\":\"no model loaded\"}");
                return;
            }
            case "boom" -> {
                send(exchange, 500, "text/plain", "java.lang.NullPointerException at Somewhere");
                return;
            }
            default -> {
            }
        }
        int n = request.path("n").asInt(1);
        int size = request.path("size").asInt(32);
        long seed = request.path("seed").asLong(0);
        var images = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            images.addObject().put("seed", seed + i)
                    .put("pngBase64", Base64.getEncoder().encodeToString(png(size, (int) (seed + i) * 40)));
        }
        var answer = JSON.createObjectNode().put("alias", request.path("alias").asString()).put("checkpointId", "run-1-step-100")
                .put("revision", 3).put("steps", request.path("steps").asInt()).put("queueMs", 1.2).put("generateMs", 15.3);
        answer.set("images", images);
        send(exchange, 200, "application/json", JSON.writeValueAsString(answer));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
