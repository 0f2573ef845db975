package dev.ladd.gateway.keys;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys, roles, limits and hostile input, over the real gateway. */
@ServiceIntegrationTest
class SecurityTest extends GatewayTestBase {

    @Test
    void withoutAKnownKeyEveryApiIsA401Problem() throws Exception {
        for (String path : List.of("/api/v1/runs", "/api/v1/serving", "/api/v1/keys", "/api/v1/trainer/runs")) {
            HttpResponse<String> none = call("GET", path, null, null);
            assertProblem(none, 401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertProblem(call("GET", path, "ladd_not-a-key", null), 401);
        }
        assertOpenAiError(call("POST", "/v1/images/generations", null, "{\"prompt\":\"a bag\"}"), 401);
        // an open prefix does not open what a dot-segment path leads to
        HttpResponse<String> sneaky = call("GET", "/actuator/../api/v1/keys", null, null);
        assertThat(sneaky.statusCode()).isIn(400, 401, 404);
        assertThat(sneaky.body()).doesNotContain("\"name\":\"admin\"");
        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/runs")))
                .header("Authorization", "Basic YWRtaW46YWRtaW4=").build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(basic, 401);
    }

    @Test
    void eachRoleReachesWhatItMayAndGetsA403ProblemElsewhere() throws Exception {
        String viewer = createKey("viewer", 1000);
        String staff = createKey("ml-staff", 1000);

        assertThat(call("GET", "/api/v1/runs", viewer, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/serving/default/history", viewer, null).statusCode()).isEqualTo(200);
        HttpResponse<String> viewerPromotes = call("POST", "/api/v1/serving/default/promote", viewer,
                "{\"checkpointId\":\"run-1-step-1\",\"reason\":\"better\"}");
        assertProblem(viewerPromotes, 403);
        assertThat(viewerPromotes.body()).contains("needs role 'ml-staff'");
        assertProblem(call("POST", "/api/v1/serving/default/rollback", viewer, "{\"reason\":\"worse\"}"), 403);
        assertProblem(call("POST", "/api/v1/runs", viewer, "{\"teacherId\":\"t\"}"), 403);
        assertProblem(call("GET", "/api/v1/keys", viewer, null), 403);
        assertProblem(call("GET", "/api/v1/keys", staff, null), 403);
        assertProblem(call("POST", "/api/v1/keys", staff, "{\"name\":\"x\",\"role\":\"admin\"}"), 403);

        // ml-staff passes the role check: an unknown checkpoint is the promotion's own 404
        assertProblem(call("POST", "/api/v1/serving/default/promote", staff,
                "{\"checkpointId\":\"run-1-step-1\",\"reason\":\"better\"}"), 404);
        assertThat(call("GET", "/api/v1/keys", ADMIN_KEY, null).body()).contains("\"name\":\"admin\"")
                .doesNotContain(ADMIN_KEY).doesNotContain(viewer);
    }

    @Test
    void aRevokedKeyIsRefusedAndNamesStayUnique() throws Exception {
        HttpResponse<String> created = call("POST", "/api/v1/keys", ADMIN_KEY,
                "{\"name\":\"to-revoke\",\"role\":\"viewer\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"rateLimitPerMinute\":60");
        String key = created.body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        assertThat(call("GET", "/api/v1/runs", key, null).statusCode()).isEqualTo(200);

        assertThat(call("DELETE", "/api/v1/keys/to-revoke", ADMIN_KEY, null).body()).contains("\"revoked\":true");
        assertProblem(call("GET", "/api/v1/runs", key, null), 401);
        assertProblem(call("POST", "/api/v1/keys", ADMIN_KEY, "{\"name\":\"to-revoke\",\"role\":\"viewer\"}"), 409);
        assertProblem(call("DELETE", "/api/v1/keys/never-made", ADMIN_KEY, null), 404);
        assertThat(jdbc.queryForObject("SELECT key_sha256 FROM api_key WHERE name = 'to-revoke'", String.class))
                .isEqualTo(ApiKeyService.sha256(key)).doesNotContain(key);
    }

    @Test
    void aKeyOverItsLimitGetsA429WithRetryAfter() throws Exception {
        String key = createKey("viewer", 3);
        for (int i = 0; i < 3; i++) {
            assertThat(call("GET", "/api/v1/runs", key, null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = call("GET", "/api/v1/runs", key, null);
        assertProblem(limited, 429);
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 20L);
        // another key is not affected
        assertThat(call("GET", "/api/v1/runs", ADMIN_KEY, null).statusCode()).isEqualTo(200);
    }

    @Test
    void everyKeySeesItsOwnRoleAndTheDashboardNeedsNoKey() throws Exception {
        String viewer = createKey("viewer", 1000);
        String staff = createKey("ml-staff", 1000);

        assertThat(call("GET", "/api/v1/keys/me", viewer, null).body()).contains("\"role\":\"viewer\"")
                .doesNotContain(viewer);
        assertThat(call("GET", "/api/v1/keys/me", staff, null).body()).contains("\"role\":\"ml-staff\"");
        assertThat(call("GET", "/api/v1/keys/me", ADMIN_KEY, null).body()).contains("\"name\":\"admin\"")
                .contains("\"role\":\"admin\"");
        assertProblem(call("GET", "/api/v1/keys/me", null, null), 401);
        assertProblem(call("DELETE", "/api/v1/keys/me", staff, null), 403);

        HttpResponse<String> page = call("GET", "/dashboard/index.html", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\"");
        assertThat(call("GET", "/dashboard/app.js", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/dashboard", null, null).statusCode()).isEqualTo(302);
    }

    @Test
    void theApiDocsAreOpenAndDescribeTheImagesApi() throws Exception {
        HttpResponse<String> docs = call("GET", "/v3/api-docs", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/v1/images/generations").contains("/api/v1/serving/{alias}/promote")
                .contains("bearer");
        assertThat(call("GET", "/swagger-ui/index.html", null, null).statusCode()).isEqualTo(200);
    }

    /**
     * 1,000 generated bad requests to the images API: every one a 4xx in OpenAI's error shape, never a 5xx; those
     * with one bad field name it in {@code error.param}.
     */
    @Test
    void aThousandBadRequestsAreAll4xxProblems() throws Exception {
        String key = createKey("viewer", 100_000);
        Random random = new Random(20240605);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            BadRequest bad = badRequest(random);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/images/generations")))
                    .header("Authorization", "Bearer " + key).header("Content-Type", bad.contentType())
                    .POST(HttpRequest.BodyPublishers.ofString(bad.body()));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            boolean openAiShaped = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    && response.body().startsWith("{\"error\":{\"message\":");
            boolean namesItsField = !FIELD_KINDS.contains(bad.kind()) || response.statusCode() == 413
                    || !JSON.readTree(response.body()).get("error").get("param").isNull();
            if (response.statusCode() < 400 || response.statusCode() >= 500 || !openAiShaped || !namesItsField) {
                failures.add(response.statusCode() + " " + bad.kind() + " " + abbreviate(bad.body()) + " -> "
                        + abbreviate(response.body()));
            }
        }
        assertThat(failures).as("requests not answered with a 4xx naming the field; statuses " + statuses).isEmpty();
        assertThat(statuses.keySet()).allMatch(s -> s >= 400 && s < 500);
    }

    private record BadRequest(String kind, String contentType, String body) {
    }

    /** The kinds of bad request whose fault is one field (a body over the size limit is a 413 without one). */
    private static final java.util.Set<String> FIELD_KINDS = java.util.Set.of("wrong type", "huge n", "absurd size",
            "empty or long prompt", "unknown field", "bad format or model", "bad steps or seed", "missing prompt");

    private static BadRequest badRequest(Random random) {
        String json = "application/json";
        String prompt = "\"prompt\":\"a photo of a sneaker\"";
        return switch (random.nextInt(10)) {
            case 0 -> new BadRequest("bad json", json, pick(random, "{", "{\"prompt\": ", "{\"prompt\":\"x\",}",
                    "", "[]", "\"prompt\"", "null", "{\"prompt\":\"x\"}}", "\u0000\u0001", "{'prompt':'x'}",
                    "{\"prompt\":\"x\" \"n\":1}", "{\"prompt\":\"\\ud800\"" ));
            case 1 -> new BadRequest("wrong type", json, "{" + pick(random, "\"prompt\":123", "\"prompt\":true",
                    "\"prompt\":[\"a\"]", "\"prompt\":{\"a\":1}", prompt + ",\"n\":\"two\"", prompt + ",\"n\":1.5",
                    prompt + ",\"n\":true", prompt + ",\"n\":[1]", prompt + ",\"size\":32", prompt + ",\"size\":[32,32]",
                    prompt + ",\"steps\":\"four\"", prompt + ",\"seed\":\"x\"", prompt + ",\"seed\":1.5",
                    prompt + ",\"model\":5", prompt + ",\"response_format\":7", prompt + ",\"n\":{}") + "}");
            case 2 -> new BadRequest("huge n", json, "{" + prompt + ",\"n\":" + pick(random, "0", "-1", "9", "100",
                    "2147483648", "99999999999999999999", "1e9", "-2147483649", String.valueOf(9 + random.nextInt(1_000_000)))
                    + "}");
            case 3 -> new BadRequest("absurd size", json, "{" + prompt + ",\"size\":\"" + pick(random, "0x0", "-32x-32",
                    "99999x99999", "33x33", "64x32", "31x31", "1056x1056", "abc", "1e3x1e3", "", "32x32x32", "32X32",
                    " 32x32", "32", (32 * (1 + random.nextInt(1000)) + 1) + "x" + 32, "999999999999x999999999999")
                    + "\"}");
            case 4 -> new BadRequest("empty or long prompt", json, "{\"prompt\":\"" + pick(random, "", "   ", "\\n\\t",
                    "a".repeat(1001), "b".repeat(100_000), "x".repeat(1000 + 1 + random.nextInt(5000))) + "\"}");
            case 5 -> new BadRequest("unknown field", json, "{" + prompt + ",\"" + pick(random, "quality", "style", "user",
                    "promt", "N", "size_px", "__proto__", "x" + random.nextInt(1000)) + "\":\"hd\"}");
            case 6 -> new BadRequest("bad format or model", json, "{" + prompt + "," + pick(random,
                    "\"response_format\":\"url\"", "\"response_format\":\"png\"", "\"response_format\":\"\"",
                    "\"model\":\"../etc/passwd\"", "\"model\":\"a b\"", "\"model\":\"" + "m".repeat(65) + "\"",
                    "\"model\":\"\"") + "}");
            case 7 -> new BadRequest("bad steps or seed", json, "{" + prompt + "," + pick(random, "\"steps\":0",
                    "\"steps\":17", "\"steps\":-3", "\"steps\":100000", "\"seed\":-1", "\"seed\":1e30",
                    "\"seed\":99999999999999999999999") + "}");
            case 8 -> new BadRequest("missing prompt", json, pick(random, "{}", "{\"n\":1}", "{\"prompt\":null}",
                    "{\"size\":\"32x32\"}"));
            default -> new BadRequest("wrong content type", pick(random, "text/plain", "application/xml",
                    "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"), "prompt=a+bag");
        };
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
