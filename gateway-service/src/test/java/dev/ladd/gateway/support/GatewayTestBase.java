package dev.ladd.gateway.support;

import dev.ladd.events.Topics;
import dev.ladd.platform.test.EventContract;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every gateway integration test shares (one Spring context for all of them): an admin key given as the
 * {@code ladd.gateway.admin-key} secret, the auto-promotion policy switched on for alias {@code auto-test} only,
 * the committed default student served on alias {@code default-student-test} only, one render at a time with one
 * waiting, and {@link FakeInference} standing in for inference-service and the proxied services.
 */
@TestPropertySource(properties = {
        "ladd.gateway.admin-key=" + GatewayTestBase.ADMIN_KEY,
        "ladd.gateway.auto-promotion.enabled=true",
        "ladd.gateway.auto-promotion.alias=" + GatewayTestBase.AUTO_ALIAS,
        "ladd.gateway.auto-promotion.fid-margin=1.0",
        "ladd.gateway.auto-promotion.max-ms-per-image=50",
        "ladd.gateway.default-student.alias=" + GatewayTestBase.DEFAULT_STUDENT_ALIAS,
        "ladd.gateway.routes.renders.max-concurrent=1",
        "ladd.gateway.routes.renders.max-waiting=1",
        "ladd.gateway.routes.renders.retry-after=7s"
})
public abstract class GatewayTestBase extends EventContract {

    /** Random, as a real one must be (a sample-looking key is refused at start). */
    public static final String ADMIN_KEY = "ladd_q7Rz2VbN8kLmX4tYc9WfHs1JdP6gA3eUo5iK0nBvQwE";
    public static final String AUTO_ALIAS = "auto-test";
    public static final String DEFAULT_STUDENT_ALIAS = "default-student-test";
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    protected JdbcTemplate jdbc;
    @LocalServerPort
    protected int port;
    protected final HttpClient http = HttpClient.newHttpClient();

    /** The gateway's required settings that name the services it calls (META-INF/ladd/required-settings.properties). */
    public static final List<String> SERVICE_ADDRESSES = List.of("ladd.gateway.inference.base-url",
            "ladd.gateway.routes.trainer", "ladd.gateway.routes.eval", "ladd.gateway.routes.teacher",
            "ladd.gateway.routes.inference");

    @DynamicPropertySource
    static void fakeServices(DynamicPropertyRegistry registry) {
        for (String property : SERVICE_ADDRESSES) {
            registry.add(property, FakeInference::baseUrl);
        }
    }

    /** Command-line arguments for a gateway started by hand: every service at {@code url}. */
    public static List<String> servicesAt(String url) {
        return SERVICE_ADDRESSES.stream().map(property -> "--" + property + "=" + url).toList();
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Sends a request; {@code key} null sends none, {@code body} null sends no body. */
    protected HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a key with the admin key; returns the key itself. */
    protected String createKey(String role, int ratePerMinute) throws Exception {
        String name = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = call("POST", "/api/v1/keys", ADMIN_KEY,
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"rateLimitPerMinute\":" + ratePerMinute + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher m = KEY.matcher(created.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    protected HttpResponse<String> promote(String alias, String checkpointId, String key) throws Exception {
        return call("POST", "/api/v1/serving/" + alias + "/promote", key,
                "{\"checkpointId\":\"" + checkpointId + "\",\"reason\":\"better FID\"}");
    }

    /**
     * Makes {@code alias} a serving alias the way production does: a new checkpoint published and scored (events
     * over Kafka), then promoted by the admin (the API). Returns the checkpoint's id.
     */
    protected String promoteNewCheckpoint(String alias) throws Exception {
        String run = "run-" + UUID.randomUUID();
        String checkpointId = run + "-step-100";
        kafka.send(Topics.CHECKPOINTS, run, TestCheckpoints.published(run, checkpointId, 100));
        kafka.send(Topics.CHECKPOINT_SCORES, run, TestCheckpoints.scored(run, checkpointId, 100, 30, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT count(*) FROM checkpoint "
                + "WHERE checkpoint_id = ? AND score_state = 'scored' AND weights IS NOT NULL", Integer.class,
                checkpointId) == 1);
        HttpResponse<String> promoted = promote(alias, checkpointId, ADMIN_KEY);
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        return checkpointId;
    }

    /** {@link #promoteNewCheckpoint} unless the alias is known already (the test context is shared). */
    protected void ensureAlias(String alias) throws Exception {
        if (call("GET", "/v1/models/" + alias, ADMIN_KEY, null).statusCode() == 404) {
            promoteNewCheckpoint(alias);
        }
    }

    /**
     * An error in OpenAI's shape, as every error under /v1/ is: {@code application/json} with
     * {@code {"error": {"message", "type", "param", "code"}}}, the type following the status. Returns {@code error}.
     */
    protected static JsonNode assertOpenAiError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.propertyNames()).as(response.body()).containsExactly("error");
        JsonNode error = body.get("error");
        assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("type").asString()).isEqualTo(status == 429 ? "rate_limit_error"
                : status < 500 ? "invalid_request_error" : "server_error");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }

    protected static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status);
    }
}
