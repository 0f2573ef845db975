package dev.ladd.gateway.images;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import dev.ladd.platform.security.ServiceToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * inference-service's internal images API ({@code POST /api/v1/images}). Its answers reach the client faithfully:
 * 400 / 404 with inference's detail, 429 with its Retry-After, 503; an unreachable or timed-out inference-service
 * is a 503 and any other failure of it a 502 — never a 500 from the gateway.
 *
 * <p>{@code ladd.gateway.inference.base-url} may name several replicas: each request starts at the next one in turn
 * (round-robin). An image request is idempotent (the seed fixes the images), so one that a replica did not take — the
 * connection was refused or timed out, or it answered 503 (no model loaded yet, or its queue closed) — goes on to the
 * next replica, each tried at most once. One that reached a replica and failed otherwise (a 5xx other than 503, a
 * timeout, a connection dropped mid-answer) is not sent again: it may have been the request that broke the replica.
 * A replica that refused a connection is tried after the others for {@code mark-down-for}.
 */
@Component
public class InferenceClient {

    private static final Logger log = LoggerFactory.getLogger(InferenceClient.class);

    private final HttpClient http;
    private final List<URI> endpoints;
    private final GatewayProperties.Inference settings;
    private final JsonMapper json;
    private final ServiceToken token;
    private final AtomicInteger next = new AtomicInteger();
    /** Per replica: System.nanoTime() until which it is tried last (0: not marked down). */
    private final AtomicLongArray markedDownUntil;

    public InferenceClient(GatewayProperties properties, JsonMapper json, ServiceToken token) {
        this.token = token;
        this.settings = properties.inference();
        this.endpoints = settings.baseUrl().stream().map(base -> base.resolve("/api/v1/images")).toList();
        this.markedDownUntil = new AtomicLongArray(endpoints.size());
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    public InferenceResult generate(String alias, String prompt, int n, int steps, long seed, int size) {
        ObjectNode body = json.createObjectNode().put("alias", alias).put("prompt", prompt).put("n", n)
                .put("steps", steps).put("seed", seed).put("size", size);
        String payload = json.writeValueAsString(body);
        ErrorResponseException notTaken = null;
        for (int replica : order()) {
            URI endpoint = endpoints.get(replica);
            HttpRequest request = token.addTo(HttpRequest.newBuilder(endpoint)).timeout(settings.requestTimeout())
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (!notConnected(e)) {   // it reached the replica: not sent again
                    throw failed(endpoint, e);
                }
                markedDownUntil.set(replica, System.nanoTime() + settings.markDownFor().toNanos());
                log.warn("inference-service at {} unreachable ({}){}", endpoint, e.toString(),
                        endpoints.size() > 1 ? "; trying the next replica" : "");
                notTaken = Problems.unavailable("inference-service is unreachable; try again later");
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Problems.unavailable("interrupted while waiting for inference-service");
            }
            markedDownUntil.set(replica, 0);
            if (response.statusCode() == 503) {   // not taken (no model yet, stopping): another replica may serve it
                notTaken = mapError(503, response);
                continue;
            }
            return result(response);
        }
        throw notTaken;
    }

    /** The replicas in the order this request tries them: round-robin, those marked down last. */
    List<Integer> order() {
        int count = endpoints.size();
        int first = Math.floorMod(next.getAndIncrement(), count);
        long now = System.nanoTime();
        List<Integer> up = new ArrayList<>(count);
        List<Integer> down = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int replica = (first + i) % count;
            long until = markedDownUntil.get(replica);
            (until != 0 && until - now > 0 ? down : up).add(replica);
        }
        up.addAll(down);
        return up;
    }

    /** True when the request never reached the replica: the connection was refused or timed out. */
    private static boolean notConnected(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException;
    }

    private ErrorResponseException failed(URI endpoint, IOException e) {
        if (e instanceof HttpTimeoutException) {
            return Problems.unavailable("inference-service did not answer within " + settings.requestTimeout().toMillis()
                    + " ms; try again later");
        }
        log.warn("inference-service at {} failed mid-request: {}", endpoint, e.toString());
        return Problems.unavailable("inference-service is unreachable; try again later");
    }

    private InferenceResult result(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                InferenceResult result = json.readValue(response.body(), InferenceResult.class);
                if (result.images() == null || result.images().isEmpty()) {
                    throw Problems.of(HttpStatus.BAD_GATEWAY, "inference-service answered without images");
                }
                return result;
            } catch (JacksonException e) {
                log.warn("inference-service answered 200 with an unreadable body: {}", e.getOriginalMessage());
                throw Problems.of(HttpStatus.BAD_GATEWAY, "inference-service answered with an unreadable body");
            }
        }
        throw mapError(status, response);
    }

    private ErrorResponseException mapError(int status, HttpResponse<String> response) {
        String detail = detail(response.body());
        String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        if (status == 429) {
            return Problems.tooManyRequests("inference-service is at capacity: " + detail, seconds(retryAfter));
        }
        if (status == 503) {
            ErrorResponseException e = Problems.unavailable("inference-service cannot serve now: " + detail);
            if (retryAfter != null) {
                e.getHeaders().set("Retry-After", Long.toString(seconds(retryAfter)));
            }
            return e;
        }
        if (status == 401) {
            log.error("inference-service refused the gateway's service token: LADD_SERVICE_TOKEN differs between them");
            return Problems.of(HttpStatus.BAD_GATEWAY, "inference-service refused the gateway (a configuration error on"
                    + " the server)");
        }
        if (status >= 400 && status < 500) {
            return Problems.of(HttpStatus.valueOf(status == 404 || status == 409 ? status : 400),
                    "inference-service refused the request: " + detail);
        }
        log.warn("inference-service answered {}: {}", status, detail);
        return Problems.of(HttpStatus.BAD_GATEWAY, "inference-service failed (HTTP " + status + ")");
    }

    private String detail(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.hasNonNull("detail")) {
                return node.get("detail").asString();
            }
        } catch (JacksonException ignored) {
            // not JSON: use the text
        }
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static long seconds(String retryAfter) {
        try {
            return retryAfter == null ? 1 : Math.max(1, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
