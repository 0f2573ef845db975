package dev.ladd.gateway.images;

import com.sun.net.httpserver.HttpServer;
import dev.ladd.gateway.GatewayProperties;
import dev.ladd.platform.security.ServiceToken;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The gateway's client of inference-service, against small in-test HTTP servers standing in for its replicas: an
 * unreachable one is a 503 problem, not a 500; several replicas share the requests round-robin; a request a replica
 * did not take (connection refused, 503) goes on to the next one; one a replica took and failed is not sent again.
 */
class InferenceClientTest {

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void anUnreachableInferenceServiceIsA503() throws Exception {
        InferenceClient client = client(List.of(deadUrl()));

        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class,
                () -> client.generate("default", "a bag", 1, 4, 0, 32));

        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(e.getBody().getDetail()).contains("unreachable");
    }

    @Test
    void twoReplicasShareTheRequestsRoundRobin() throws Exception {
        Replica a = replica(200);
        Replica b = replica(200);
        InferenceClient client = client(List.of(a.url, b.url));

        for (int i = 0; i < 10; i++) {
            assertThat(client.generate("default", "a bag", 1, 4, i, 32).checkpointId()).isIn("a-200", "b-200");
        }

        assertThat(a.requests.get()).isEqualTo(5);
        assertThat(b.requests.get()).isEqualTo(5);
    }

    @Test
    void aRefusedConnectionOrA503GoesOnToTheNextReplicaAndNoRequestFails() throws Exception {
        Replica alive = replica(200);
        Replica unready = replica(503);
        InferenceClient client = client(List.of(deadUrl(), unready.url, alive.url));

        for (int i = 0; i < 9; i++) {
            assertThat(client.generate("default", "a bag", 1, 4, i, 32).images()).hasSize(1);
        }

        assertThat(alive.requests.get()).isEqualTo(9);
        assertThat(unready.requests.get()).as("asked once for each request that reached it first or second")
                .isBetween(1, 9);
        // the dead replica is marked down: the requests after the first try it last, i.e. never (alive answers)
        assertThat(client.order().get(2)).as("the refusing replica is tried last").isEqualTo(0);
    }

    @Test
    void aRequestAReplicaTookAndFailedWithA500IsNotSentAgain() throws Exception {
        Replica broken = replica(500);
        Replica alive = replica(200);
        InferenceClient client = client(List.of(broken.url, alive.url));

        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class,
                () -> client.generate("default", "a bag", 1, 4, 0, 32));

        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(broken.requests.get()).isEqualTo(1);
        assertThat(alive.requests.get()).as("not retried elsewhere").isZero();
    }

    @Test
    void whenEveryReplicaIsDownTheAnswerIsA503() throws Exception {
        Replica unready = replica(503);
        InferenceClient client = client(List.of(deadUrl(), unready.url));

        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class,
                () -> client.generate("default", "a bag", 1, 4, 0, 32));

        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(unready.requests.get()).isEqualTo(1);
    }

    @Test
    void baseUrlBindsOneUrlOrACommaSeparatedList() {
        assertThat(bind("http://inference:8084")).containsExactly(URI.create("http://inference:8084"));
        assertThat(bind("http://localhost:8084,http://localhost:8085"))
                .containsExactly(URI.create("http://localhost:8084"), URI.create("http://localhost:8085"));
    }

    private static List<URI> bind(String baseUrl) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "ladd.gateway.inference.base-url", baseUrl, "ladd.gateway.inference.connect-timeout", "1s",
                "ladd.gateway.inference.request-timeout", "2s", "ladd.gateway.inference.mark-down-for", "5s")));
        return binder.bind("ladd.gateway.inference", Bindable.of(GatewayProperties.Inference.class)).get().baseUrl();
    }

    private static InferenceClient client(List<URI> replicas) {
        GatewayProperties properties = new GatewayProperties(null, null,
                new GatewayProperties.Inference(replicas, Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)), null, null, null, 65536);
        return new InferenceClient(properties, JsonMapper.builder().build(), new ServiceToken(TestServiceToken.VALUE));
    }

    private static URI deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());   // closed again: nothing listens there
        }
    }

    private record Replica(URI url, AtomicInteger requests) {
    }

    /** A stand-in replica that answers every images request with {@code status} (200: one image). */
    private Replica replica(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger requests = new AtomicInteger();
        String name = servers.isEmpty() ? "a" : "b";
        server.createContext("/api/v1/images", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            String body = status == 200
                    ? "{\"alias\":\"default\",\"checkpointId\":\"" + name + "-200\",\"revision\":1,\"steps\":4,"
                    + "\"images\":[{\"seed\":1,\"pngBase64\":\"iVBORw0KGgo=\"}],\"queueMs\":0.1,\"generateMs\":1.0}"
                    : "{\"status\":" + status + ",\"detail\":\"replica says " + status + "\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return new Replica(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), requests);
    }
}
