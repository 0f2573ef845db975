package dev.ladd.gateway.web;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error under {@code /v1/} in OpenAI's shape — from validation, from JSON parsing, from the filters before any
 * controller, from Spring MVC itself — while the same errors under {@code /api/} stay {@code application/problem+json}.
 */
@ServiceIntegrationTest
class OpenAiErrorsTest extends GatewayTestBase {

    private JsonNode badRequest(String body) throws Exception {
        return assertOpenAiError(call("POST", "/v1/images/generations", ADMIN_KEY, body), 400);
    }

    @Test
    void aBadFieldIsNamedInParamAndInMessage() throws Exception {
        JsonNode range = badRequest("{\"prompt\":\"a bag\",\"n\":9}");
        assertThat(range.get("param").asString()).isEqualTo("n");
        assertThat(range.get("message").asString()).isEqualTo("invalid field 'n': must be less than or equal to 8");
        assertThat(range.get("code").isNull()).isTrue();

        JsonNode two = badRequest("{\"prompt\":\"\",\"n\":0}");
        assertThat(two.get("param").asString()).as("the first by name").isEqualTo("n");
        assertThat(two.get("message").asString()).startsWith("invalid fields: 'n': ").contains("; 'prompt': ");

        JsonNode type = badRequest("{\"prompt\":\"a bag\",\"n\":\"two\"}");
        assertThat(type.get("param").asString()).isEqualTo("n");
        assertThat(type.get("message").asString()).isEqualTo("invalid field 'n': must be an integer");
        assertThat(badRequest("{\"prompt\":[\"a bag\"]}").get("message").asString())
                .isEqualTo("invalid field 'prompt': must be a string");
        assertThat(badRequest("{\"prompt\":\"a bag\",\"seed\":99999999999999999999999}").get("message").asString())
                .isEqualTo("invalid field 'seed': number out of range");

        JsonNode unknown = badRequest("{\"prompt\":\"a bag\",\"quality\":\"hd\"}");
        assertThat(unknown.get("param").asString()).isEqualTo("quality");
        assertThat(unknown.get("message").asString()).isEqualTo("invalid field 'quality': unknown field");

        JsonNode malformed = badRequest("{\"prompt\": ");
        assertThat(malformed.get("param").isNull()).isTrue();
        assertThat(malformed.get("message").asString()).contains("not valid JSON");

        // the same kind of fault under /api/ stays a problem naming the field
        HttpResponse<String> api = call("POST", "/api/v1/runs", ADMIN_KEY, "{\"teacherId\":\"t\",\"iterations\":0}");
        assertProblem(api, 400);
        JsonNode problem = JSON.readTree(api.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("iterations");
        assertThat(problem.get("detail").asString()).startsWith("invalid field 'iterations': ");
    }

    @Test
    void theFiltersErrorsBeforeAnyControllerAreOpenAiShapedUnderV1AndProblemsUnderApi() throws Exception {
        HttpResponse<String> none = call("POST", "/v1/images/generations", null, "{\"prompt\":\"a bag\"}");
        assertThat(assertOpenAiError(none, 401).get("code").isNull()).isTrue();
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(assertOpenAiError(call("POST", "/v1/images/generations", "ladd_wrong", "{\"prompt\":\"a bag\"}"), 401)
                .get("code").asString()).isEqualTo("invalid_api_key");
        assertProblem(call("GET", "/api/v1/runs", "ladd_wrong", null), 401);

        String limited = createKey("viewer", 1);
        assertThat(call("GET", "/v1/models", limited, null).statusCode()).isEqualTo(200);
        HttpResponse<String> over = call("GET", "/v1/models", limited, null);
        JsonNode rate = assertOpenAiError(over, 429);
        assertThat(rate.get("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(rate.get("message").asString()).contains("over its limit of 1 requests per minute");
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        HttpResponse<String> overApi = call("GET", "/api/v1/runs", limited, null);
        assertProblem(overApi, 429);
        assertThat(overApi.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aBodyOverTheLimitIsA413WithOrWithoutContentLength() throws Exception {
        ensureAlias("default");
        String big = "{\"prompt\":\"" + "a".repeat(70_000) + "\"}";
        JsonNode declared = assertOpenAiError(call("POST", "/v1/images/generations", ADMIN_KEY, big), 413);
        assertThat(declared.get("message").asString()).contains("at most 65536 bytes");

        JsonNode chunked = assertOpenAiError(chunked(big), 413);
        assertThat(chunked.get("message").asString()).contains("more than 65536 bytes");
        HttpResponse<String> small = chunked("{\"prompt\":\"a photo of a bag\"}");
        assertThat(small.statusCode()).as("a chunked body within the limit is read as usual: " + small.body())
                .isEqualTo(200);
    }

    private HttpResponse<String> chunked(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(url("/v1/images/generations")))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void springMvcsOwnErrorsAreOpenAiShapedUnderV1AndProblemsUnderApi() throws Exception {
        HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create(url("/v1/images/generations")))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("a bag")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(assertOpenAiError(text, 415).get("message").asString()).contains("text/plain");

        assertOpenAiError(call("GET", "/v1/images/generations", ADMIN_KEY, null), 405);
        assertOpenAiError(call("GET", "/v1/no-such-api", ADMIN_KEY, null), 404);
        assertOpenAiError(call("GET", "/v1", ADMIN_KEY, null), 404);
        assertProblem(call("GET", "/api/v1/no-such-api", ADMIN_KEY, null), 404);
        assertProblem(call("PUT", "/api/v1/runs", ADMIN_KEY, "{}"), 405);
    }
}
