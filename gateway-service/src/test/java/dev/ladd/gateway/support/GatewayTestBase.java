package dev.ladd.gateway.support;

import dev.ladd.platform.test.EventContract;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every gateway integration test shares (one Spring context for all of them): an admin key given as the
 * {@code ladd.gateway.admin-key} secret, the auto-promotion policy switched on for alias {@code auto-test} only,
 * the committed default student served on alias {@code default-student-test} only, and {@link FakeInference} standing
 * in for inference-service and the proxied services.
 */
@TestPropertySource(properties = {
        "ladd.gateway.admin-key=" + GatewayTestBase.ADMIN_KEY,
        "ladd.gateway.auto-promotion.enabled=true",
        "ladd.gateway.auto-promotion.alias=" + GatewayTestBase.AUTO_ALIAS,
        "ladd.gateway.auto-promotion.fid-margin=1.0",
        "ladd.gateway.auto-promotion.max-ms-per-image=50",
        "ladd.gateway.default-student.alias=" + GatewayTestBase.DEFAULT_STUDENT_ALIAS
})
public abstract class GatewayTestBase extends EventContract {

    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop";
    public static final String AUTO_ALIAS = "auto-test";
    public static final String DEFAULT_STUDENT_ALIAS = "default-student-test";
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");

    @Autowired
    protected JdbcTemplate jdbc;
    @LocalServerPort
    protected int port;
    protected final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void fakeServices(DynamicPropertyRegistry registry) {
        for (String property : new String[]{"ladd.gateway.inference.base-url", "ladd.gateway.routes.trainer",
                "ladd.gateway.routes.eval", "ladd.gateway.routes.teacher", "ladd.gateway.routes.inference"}) {
            registry.add(property, FakeInference::baseUrl);
        }
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

    protected static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status);
    }
}
